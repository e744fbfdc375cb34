/** The console's quiet mode: the yes/no script, its cover story and the operator's switch to it. */
package org.tiphotline.console.quiet;
