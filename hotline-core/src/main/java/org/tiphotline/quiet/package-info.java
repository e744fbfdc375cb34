/** Callers who cannot speak freely: the yes/no script derived from the hotline registering form. */
package org.tiphotline.quiet;
