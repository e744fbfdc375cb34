/** The case registry over HTTP and its pages, for data managers and their leader. */
package org.tiphotline.console.registry;
