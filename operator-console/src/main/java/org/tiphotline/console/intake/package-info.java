/** The hotline registering form over HTTP: the form definition, drafts, field saves and submission. */
package org.tiphotline.console.intake;
