/** Demo accounts and a retention batch to decide, for the embedded run; never against an external database. */
package org.tiphotline.console.demo;
