/** Sign-in abuse: growing delays and lockouts per account and address, and the log of sign-ins and sign-outs. */
package org.tiphotline.signin;
