/** The task force's case registry in the IOM standard format, fed by the hotline, the online form and screening. */
package org.tiphotline.registry;
