/** What the supervisors' page needs beside the call log: alert deliveries that failed, on load and live. */
package org.tiphotline.console.supervision;
