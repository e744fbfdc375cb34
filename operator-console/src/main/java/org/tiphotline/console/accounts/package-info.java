/** The web side of accounts: the administration API, one's own password, the first-sign-in gate, ending sessions. */
package org.tiphotline.console.accounts;
