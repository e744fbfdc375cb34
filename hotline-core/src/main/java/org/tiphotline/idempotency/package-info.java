/** Idempotent creates: a request repeated with the same key answers the first result instead of creating twice. */
package org.tiphotline.idempotency;
