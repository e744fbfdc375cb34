/** The supervisors' views over HTTP: the call log, a call's timeline, the live queue. */
package org.tiphotline.console.calllog;
