/** Escalations over HTTP: operators raise them, liaison users see and acknowledge their agency's, supervisors close. */
package org.tiphotline.console.escalation;
