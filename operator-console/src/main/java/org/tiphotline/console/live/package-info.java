/** The live channel (STOMP over WebSocket): screen pops and call updates to operators, the queue to supervisors. */
package org.tiphotline.console.live;
