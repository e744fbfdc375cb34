/** Human words for every code the screens, alerts and exports show: one place, translatable. */
package org.tiphotline.labels;
