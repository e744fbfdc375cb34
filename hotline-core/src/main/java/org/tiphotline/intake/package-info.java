/** The hotline registering form: drafts bound to calls, saved field by field, submitted as reports. */
package org.tiphotline.intake;
