/** Calls as append-only event lists, and the switchboard through which every telephony provider reports them. */
package org.tiphotline.calls;
