/** Operators' states with reasons on the web: a supervisor sets an operator away, and the shift report. */
package org.tiphotline.console.states;
