/** Published statistics of the registry: counts of cases that never reveal a person (small cells suppressed). */
package org.tiphotline.statistics;
