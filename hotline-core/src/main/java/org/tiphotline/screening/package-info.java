/** The screening form public agents submit about a potential case, feeding the registry; they keep only a receipt. */
package org.tiphotline.screening;
