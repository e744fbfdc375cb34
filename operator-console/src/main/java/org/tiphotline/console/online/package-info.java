/** The public online reporting form over HTTP: its page, its two endpoints and the guards in front of them. */
package org.tiphotline.console.online;
