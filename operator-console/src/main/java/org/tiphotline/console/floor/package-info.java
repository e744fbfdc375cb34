/** The supervisors' floor over HTTP and the live channel: figures and state, never anything about callers. */
package org.tiphotline.console.floor;
