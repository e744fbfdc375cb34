/** Callback tasks: callers the hotline could not answer and who are to be called back. */
package org.tiphotline.callbacks;
