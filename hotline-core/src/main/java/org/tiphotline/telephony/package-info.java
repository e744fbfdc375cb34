/** The port the core needs from any telephony provider; adapters implement it and report through the Switchboard. */
package org.tiphotline.telephony;
