/** The hotline IVR described once (menus, digits, retries, safe defaults), rendered by every provider adapter. */
package org.tiphotline.telephony.ivr;
