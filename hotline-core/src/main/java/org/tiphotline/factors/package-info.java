/** Second factors of sign-in: authenticator-app codes, passkeys' stored records, recovery codes, and their reset. */
package org.tiphotline.factors;
