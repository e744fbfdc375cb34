/**
 * The hotline on a Twilio number: signed webhooks run the shared IVR as TwiML and report every step to the core
 * once, however often Twilio delivers it; the core's commands move the live call between our TwiML documents with
 * the Calls REST API (a {@code <Dial>} to the operator's browser or phone, back to the hold loop, hang-up). What a
 * later webhook needs is in PostgreSQL, so with two nodes any webhook or command may reach either.
 */
package org.tiphotline.telephony.twilio;
