/** The audit trail's verification for people: the administrators' button and the command-line check. */
package org.tiphotline.console.auditchain;
