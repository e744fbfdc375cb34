/** The web side of idempotent creates: the Idempotency-Key header on every POST of the API. */
package org.tiphotline.console.idempotency;
