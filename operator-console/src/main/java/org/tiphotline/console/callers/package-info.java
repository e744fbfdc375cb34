/** Repeat callers over HTTP: the ringing call's earlier contacts for the console, the supervisors' caller flags. */
package org.tiphotline.console.callers;
