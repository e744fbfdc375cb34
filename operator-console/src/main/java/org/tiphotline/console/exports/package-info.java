/** Case exports over HTTP: the non-identifying HTCDS file, and identifying exports' requests, decisions and downloads. */
package org.tiphotline.console.exports;
