/** Contacts that did not come through the phone system (walk-in, backup phone, letter, e-mail), recorded by hand. */
package org.tiphotline.offline;
