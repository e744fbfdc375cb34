/** Second factors at sign-in: passkeys and apps, enrolment and checks, the half-signed-in gate, the admin reset. */
package org.tiphotline.console.factors;
