/** Floor reports on the web: a day, week or month of the floor's figures as JSON, CSV and a page with a chart. */
package org.tiphotline.console.floorreport;
