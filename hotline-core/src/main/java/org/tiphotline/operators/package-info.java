/** The people who use the system: operators, supervisors, data managers and administrators, with their roles and skills. */
package org.tiphotline.operators;
