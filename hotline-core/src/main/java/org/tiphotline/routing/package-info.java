/** The one routing brain for every provider: the queue, operators' presence, and who gets which call. */
package org.tiphotline.routing;
