/** The supervisors' floor: the figures of the current interval and the state of the floor now, from the database. */
package org.tiphotline.floor;
