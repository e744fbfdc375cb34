/** Repeat callers: the earlier contacts from the same number and the supervisors' flags on a caller, by keyed hash. */
package org.tiphotline.callers;
