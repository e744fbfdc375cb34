/**
 * A telephony provider with no PBX, for demos, training and tests: calls are placed from the console or the
 * REST API and report exactly the events a real provider would, through the same Switchboard.
 */
package org.tiphotline.telephony.simulated;
