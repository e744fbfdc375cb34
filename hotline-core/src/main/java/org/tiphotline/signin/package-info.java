/** Sign-in abuse: growing delays and lockouts per account and per address, and the log of every sign-in and sign-out. */
package org.tiphotline.signin;
