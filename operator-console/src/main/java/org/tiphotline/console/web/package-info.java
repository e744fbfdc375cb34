/** What every HTTP endpoint shares: clear 4xx answers for bad input, size limits, who am I, the landing page. */
package org.tiphotline.console.web;
