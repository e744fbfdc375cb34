package org.tiphotline.telephony.twilio;

import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;

/** What every Twilio webhook reads and stores the same way: the form's required fields, call SIDs, reports. */
final class TwilioForms {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioForms.class);

    /** A call has ended with one of these (a status callback). */
    static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private TwilioForms() {
    }

    /**
     * What Twilio puts in {@code From} when the caller's number is withheld: ANONYMOUS, RESTRICTED, UNAVAILABLE,
     * BLOCKED and UNKNOWN spelt on a keypad. Taken as numbers they would be asked for a callback, dialled, and make
     * every anonymous caller one "repeat caller".
     */
    static final Set<String> WITHHELD = Set.of("+266696687", "+7378742833", "+86282452253", "+2562533",
            "+8656696");

    /**
     * The call, stored on its first webhook: Twilio may retry or reorder, so any webhook can be the first. With
     * the database away the arrival is kept (and the call's later reports behind it), so the caller goes on
     * through the IVR and waits on hold instead of meeting an error.
     */
    static CallRef arrived(PendingReports pending, Switchboard switchboard, Map<String, String> form) {
        CallRef ref = ref(form);
        String from = from(form);
        String to = dialled(form.get("To"));
        pending.report(ref, "arrived", () -> {
            switchboard.arrived(ref, from, to);
            return true;
        });
        return ref;
    }

    /** The caller's number, or null when Twilio says it is withheld. */
    static String from(Map<String, String> form) {
        String from = form.get("From");
        return from == null || WITHHELD.contains(from.strip()) ? null : from;
    }

    static CallRef ref(Map<String, String> form) {
        return new CallRef(TwilioLine.PROVIDER, callSid(required(form, "CallSid")));
    }

    static String dialled(String to) {
        return to == null || to.isBlank() || to.length() > 40 ? "unknown" : to;
    }

    static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    static String callSid(String sid) {
        if (!sid.matches("CA[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("CallSid is not a Twilio call SID");
        }
        return sid;
    }

    /**
     * Stores a report; if the database refuses, the caller still gets their TwiML (dropping them would be worse
     * than a missing event), and the failure is logged with the call id only.
     */
    static void store(PendingReports pending, CallRef ref, String what, BooleanSupplier report) {
        try {
            pending.report(ref, what, report);
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            // Refused for what it says (a database constraint); a database that is away keeps it for later.
            log.warn("a Twilio report could not be stored: {}", e.getClass().getSimpleName());
        }
    }
}
