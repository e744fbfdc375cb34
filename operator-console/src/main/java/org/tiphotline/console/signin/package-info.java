/** The web side of sign-in abuse and sessions: the throttled sign-in, its refusals, idle and absolute limits. */
package org.tiphotline.console.signin;
