/** The web side of contacts recorded by hand (walk-in, backup phone, letter, e-mail): their API. */
package org.tiphotline.console.offline;
