/** The Spring Boot application: the operators', supervisors' and data managers' web console. */
package org.tiphotline.console;
