/** The public online reporting form (non-urgent, may be anonymous): its fields, checks, storage and its case. */
package org.tiphotline.online;
