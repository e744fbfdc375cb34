/** Who may do what: form login, roles, CSRF, and the rules for the live WebSocket channel. */
package org.tiphotline.console.security;
