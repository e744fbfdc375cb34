/** The operator's side of consults, warm transfers and interpreter lines: the API and the live messages. */
package org.tiphotline.console.consults;
