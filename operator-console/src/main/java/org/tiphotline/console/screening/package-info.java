/** The screening form page and API for agency reporter accounts: they submit, and keep only receipts. */
package org.tiphotline.console.screening;
