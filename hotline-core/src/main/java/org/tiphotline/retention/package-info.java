/** Retention: records past their configured period are proposed in batches and erased only once a leader approves. */
package org.tiphotline.retention;
