/** Second factors at sign-in: the enrolment and check APIs, the gate for half-signed-in users, the admin reset. */
package org.tiphotline.console.factors;
