/** Escalations: urgent cases raised to the jurisdiction's agencies, alerted until someone acknowledges. */
package org.tiphotline.escalation;
