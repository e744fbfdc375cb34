/** Accounts as administrators manage them: creating, editing, disabling users, one-time and own passwords. */
package org.tiphotline.accounts;
