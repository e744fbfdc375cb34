/** Checks of the configuration shipped in ops/: the country profiles bind and pass the application's own checks. */
package org.tiphotline.console.config;
