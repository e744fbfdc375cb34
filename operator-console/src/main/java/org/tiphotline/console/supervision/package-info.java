/**
 * What the supervisors' page needs beside the call log: alert deliveries that failed, on load and live; listening
 * in on, coaching in and joining operators' calls.
 */
package org.tiphotline.console.supervision;
