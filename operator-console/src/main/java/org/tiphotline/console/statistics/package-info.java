/** The registry's published statistics over HTTP, for data managers and their leader. */
package org.tiphotline.console.statistics;
