/** Demo accounts for the embedded single-machine run; never created against an external database. */
package org.tiphotline.console.demo;
