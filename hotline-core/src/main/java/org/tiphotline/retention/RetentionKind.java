package org.tiphotline.retention;

import java.time.Period;
import java.util.ArrayList;
import java.util.List;

/** The kinds of record a retention rule erases, with the words the leader's page and the audit trail use. */
public enum RetentionKind {
    ABANDONED_CALLS("Abandoned calls with no report", "call", "calls", "ended more than", Period.ofMonths(6),
            "the caller's number is erased; the call's times and path stay for the floor's figures and statistics"),
    UNSUBMITTED_DRAFTS("Report drafts never submitted", "draft", "drafts", "last saved more than", Period.ofDays(30),
            "each draft is deleted with every field saved in it"),
    CLOSED_CASE_DOCUMENTS("Documents of closed cases", "document", "documents", "closed and unchanged for "
            + "more than", Period.ofMonths(24), "each document's own key is destroyed, then the document is deleted");

    public final String words;
    public final String one;
    public final String many;
    /** Before the period: "last saved more than" 30 days "ago". */
    final String age;
    final Period defaultPeriod;
    /** What approving does to each record, in words. */
    public final String erasure;

    RetentionKind(String words, String one, String many, String age, Period defaultPeriod, String erasure) {
        this.words = words;
        this.one = one;
        this.many = many;
        this.age = age;
        this.defaultPeriod = defaultPeriod;
        this.erasure = erasure;
    }

    /** "last saved more than 30 days ago", "closed and unchanged for more than 24 months". */
    public String rule(Period period) {
        return age + " " + words(period) + (this == CLOSED_CASE_DOCUMENTS ? "" : " ago");
    }

    /** "12 drafts", "1 call". */
    public String count(long n) {
        return n + " " + (n == 1 ? one : many);
    }

    /** "Report drafts never submitted, last saved more than 30 days ago: 12 drafts." */
    public String sentence(Period period, long n) {
        return words + ", " + rule(period) + ": " + count(n) + ".";
    }

    static String words(Period p) {
        List<String> parts = new ArrayList<>();
        if (p.getYears() != 0) {
            parts.add(p.getYears() + (p.getYears() == 1 ? " year" : " years"));
        }
        if (p.getMonths() != 0) {
            parts.add(p.getMonths() + (p.getMonths() == 1 ? " month" : " months"));
        }
        if (p.getDays() != 0) {
            parts.add(p.getDays() + (p.getDays() == 1 ? " day" : " days"));
        }
        return String.join(" and ", parts);
    }
}
