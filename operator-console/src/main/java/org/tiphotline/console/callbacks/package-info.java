/** The callback queue on the web: its API, its live topic, and what an alerted agency learns of the way back. */
package org.tiphotline.console.callbacks;
