/** Case exports in HTCDS v2 field names and code lists: non-identifying with small cells suppressed, identifying only on a second person's approval. */
package org.tiphotline.exports;
