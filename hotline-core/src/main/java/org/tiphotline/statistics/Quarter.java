package org.tiphotline.statistics;

import java.time.LocalDate;

/** A calendar quarter; cases belong to the quarter they were registered in (UTC), as in the exports. */
public record Quarter(int year, int quarter) {

    public Quarter {
        if (year < 2000 || year > 2100) {
            throw new IllegalArgumentException("year must be between 2000 and 2100");
        }
        if (quarter < 1 || quarter > 4) {
            throw new IllegalArgumentException("quarter must be 1, 2, 3 or 4");
        }
    }

    public LocalDate firstDay() {
        return LocalDate.of(year, 3 * quarter - 2, 1);
    }

    public LocalDate lastDay() {
        return firstDay().plusMonths(3).minusDays(1);
    }

    @Override
    public String toString() {
        return year + "-Q" + quarter;
    }
}
