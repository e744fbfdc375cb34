/** The web side of sign-in abuse and session limits: the throttled sign-in, its refusals, idle and absolute timeouts. */
package org.tiphotline.console.signin;
