/** Every page as its user sees it: fits a laptop and a wall screen, passes WCAG 2.2 AA, in human words. */
package org.tiphotline.console.look;
