/** Operator to operator: a consult with a colleague while the caller is held, the warm transfer, an interpreter. */
package org.tiphotline.consults;
