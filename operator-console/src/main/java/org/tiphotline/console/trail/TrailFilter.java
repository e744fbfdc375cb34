package org.tiphotline.console.trail;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a look at the trail asks for, checked: {@code person} (a username, or a system actor such as
 * {@code online-form}), {@code caseReference} (a case number), {@code call} (a call's id), {@code action}, and a
 * period of whole days in the jurisdiction's zone ({@code from} and {@code to} inclusive). Null: not filtered.
 */
record TrailFilter(String person, String caseReference, UUID call, TrailAction action, LocalDate from,
        LocalDate to) {

    private static final Pattern CASE_NUMBER = Pattern.compile("C-[0-9]{4}-[0-9]{6,}");

    TrailFilter {
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("the period is reversed: 'to' (" + to + ") is before 'from' (" + from
                    + ")");
        }
    }

    static TrailFilter parse(String person, String caseReference, String call, String action, String from,
            String to) {
        return new TrailFilter(person(person), caseNumber(caseReference), call(call),
                blank(action) ? null : TrailAction.of(action), day("from", from), day("to", to));
    }

    Instant start(ZoneId zone) {
        return from == null ? null : from.atStartOfDay(zone).toInstant();
    }

    /** The first instant after the period (its last day included). */
    Instant end(ZoneId zone) {
        return to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    boolean narrowsToRecords() {
        return caseReference != null || call != null;
    }

    /**
     * The filter as its audit row keeps it: names of the filters and their values (usernames, a case number, a
     * call's id, codes and dates; nothing of any case), in a fixed order.
     */
    String described() {
        List<String> parts = new ArrayList<>();
        if (person != null) {
            parts.add("person=" + person);
        }
        if (caseReference != null) {
            parts.add("case=" + caseReference);
        }
        if (call != null) {
            parts.add("call=" + call);
        }
        if (action != null) {
            parts.add("action=" + action.name());
        }
        if (from != null) {
            parts.add("from=" + from);
        }
        if (to != null) {
            parts.add("to=" + to);
        }
        return parts.isEmpty() ? "everything" : String.join("&", parts);
    }

    /** The names of the filters given, for the look's audit row. */
    List<String> used() {
        List<String> used = new ArrayList<>();
        if (person != null) {
            used.add("person");
        }
        if (caseReference != null) {
            used.add("case");
        }
        if (call != null) {
            used.add("call");
        }
        if (action != null) {
            used.add("action");
        }
        if (from != null || to != null) {
            used.add("period");
        }
        return used;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String person(String person) {
        if (blank(person)) {
            return null;
        }
        String p = person.strip();
        if (p.length() > 100) {
            throw new IllegalArgumentException("person must be a username of at most 100 characters");
        }
        return p;
    }

    private static String caseNumber(String reference) {
        if (blank(reference)) {
            return null;
        }
        String r = reference.strip().toUpperCase(java.util.Locale.ROOT);
        if (!CASE_NUMBER.matcher(r).matches()) {
            throw new IllegalArgumentException("case must be a case number like C-2026-000123");
        }
        return r;
    }

    private static UUID call(String call) {
        if (blank(call)) {
            return null;
        }
        try {
            return UUID.fromString(call.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("call must be a call's id as the trail gives it", e);
        }
    }

    private static LocalDate day(String name, String day) {
        if (blank(day)) {
            return null;
        }
        try {
            return LocalDate.parse(day.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be a date like 2026-12-07", e);
        }
    }
}
