/** The supervisors' call log: every call, abandoned ones included, with its timeline and its report. */
package org.tiphotline.calllog;
