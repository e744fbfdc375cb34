package org.tiphotline.console.callbacks;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A jurisdiction time zone in which it is about noon while a test runs: inside the default safe hours for calling
 * back (08:00-20:00) whatever the machine's hour. The safe-hours rule itself is proven on a test clock in the core.
 */
public final class NoonZone {

    private NoonZone() {
    }

    public static String now() {
        int east = 12 - ZonedDateTime.now(ZoneOffset.UTC).getHour();
        // Etc/GMT-N is N hours east of UTC (the IANA names' sign is inverted).
        return east == 0 ? "Etc/GMT" : east > 0 ? "Etc/GMT-" + east : "Etc/GMT+" + -east;
    }
}
