package org.tiphotline.telephony.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Redirect;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import java.time.Clock;
import org.tiphotline.callbacks.CallbackTasks;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.CallState;
import org.tiphotline.calls.CallRef;
import org.tiphotline.calls.Calls;
import org.tiphotline.calls.IvrQuestion;
import org.tiphotline.calls.PendingReports;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.telephony.ivr.IvrMenu;

/**
 * Twilio's webhooks: each one verified by {@link TwilioSignature} before it gets here, each report stored once
 * per call and delivery ({@link Switchboard#once}), so Twilio's retries and out-of-order deliveries leave one
 * record in the right final state. Every answer is TwiML that keeps the caller on the line; a caller is never
 * hung up because a report could not be stored. This class carries the caller from arrival through the menu and
 * the queue to the end; ringing an operator is {@link TwilioOperatorWebhooks}, an escalation
 * {@link TwilioEscalationWebhooks}, a callback {@link TwilioCallbackWebhooks}.
 *
 * <p>Delivery keys: {@code ivr:<QUESTION>} (a question is answered once), {@code queued}, {@code op:<leg
 * CallSid>:<status>} for the operator's leg, {@code dial:<leg CallSid>} for how it ended, {@code end} for the
 * caller's final status.
 */
@RestController
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
@RequestMapping(path = "/twilio", produces = MediaType.APPLICATION_XML_VALUE)
class TwilioWebhooks {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TwilioWebhooks.class);

    private final Switchboard switchboard;
    private final Calls calls;
    private final TwilioIvr ivr;
    private final TwilioSettings settings;
    private final TwilioLine line;
    private final RoutingView routing;
    private final CallbackTasks callbacks;
    private final PendingReports pending;
    private final Clock clock;
    /** TwiML that depends only on settings and the request's own parameters; see {@link #cached}. */
    private final Map<String, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    TwilioWebhooks(Switchboard switchboard, Calls calls, TwilioIvr ivr,
            TwilioSettings settings, TwilioLine line, RoutingView routing, CallbackTasks callbacks, PendingReports pending,
            Clock clock) {
        this.switchboard = switchboard;
        this.calls = calls;
        this.ivr = ivr;
        this.settings = settings;
        this.line = line;
        this.routing = routing;
        this.callbacks = callbacks;
        this.pending = pending;
        this.clock = clock;
    }

    /** The number's voice URL: a call arrives. */
    @PostMapping("/voice")
    String voice(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form) {
        arrived(form);
        return cached("voice", () -> ivr.ask(ivr.menus().getFirst(), 1, ivr.firstLanguage(), true));
    }

    /**
     * A {@code <Gather>} ended, with a digit or in silence. {@code notice}: a digit was pressed during the "cannot
     * speak freely" notice before the question; {@code quiet}: that digit was already pressed at this question.
     */
    @PostMapping("/ivr")
    String ivrStep(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form, @RequestParam("q") String q,
            @RequestParam("attempt") int attempt, @RequestParam("lang") String lang,
            @RequestParam(name = "notice", defaultValue = "false") boolean notice,
            @RequestParam(name = "quiet", defaultValue = "false") boolean quiet) {
        IvrMenu menu = ivr.menu(question(q));
        if (attempt < 1 || attempt > menu.attempts()) {
            throw new IllegalArgumentException("attempt must be 1-" + menu.attempts());
        }
        switchboard.checkIvrAnswer(IvrQuestion.LANGUAGE, lang);
        if (notice && (attempt != 1 || !ivr.noticeBefore(menu))) {
            throw new IllegalArgumentException("notice is only sent with the first attempt of the question the "
                    + "\"cannot speak freely\" notice comes before");
        }
        String from = TwilioForms.from(form);
        if (!ivr.menusFor(from).contains(menu)) {
            throw new IllegalArgumentException(menu.question() + " is not asked of a caller whose number is withheld");
        }
        CallRef ref = arrived(form);
        if (notice) {
            // Only the quiet digit means something before the question was heard; any other is dropped.
            if (ivr.quietDigit() != null && ivr.quietDigit().equals(form.getOrDefault("Digits", "").strip())) {
                reportQuiet(ref);
            }
            return cached("ask:" + menu.question() + ":1:" + lang + ":after-notice",
                    () -> ivr.askAfterNotice(menu, lang));
        }
        String language = lang;
        switch (menu.interpret(form.get("Digits"), attempt, quiet)) {
            case IvrMenu.Step.Answered answered -> {
                store(ref, "ivrAnswered", () -> switchboard.once("ivr:" + menu.question().name()).ivrAnswered(ref,
                        menu.question(), answered.answer()));
                if (menu.question() == IvrQuestion.LANGUAGE) {
                    language = answered.answer();
                }
            }
            case IvrMenu.Step.AskAgain again -> {
                return cached("ask:" + menu.question() + ":" + (attempt + 1) + ":" + lang + ":" + quiet,
                        () -> ivr.askAgain(menu, attempt + 1, lang, quiet));
            }
            case IvrMenu.Step.CannotSpeakFreely pressed -> {
                reportQuiet(ref);
                return cached("ask:" + menu.question() + ":" + attempt + ":" + lang + ":quiet",
                        () -> ivr.askAfterQuiet(menu, attempt, lang));
            }
            case IvrMenu.Step.NotAnswered notAnswered -> { }
        }
        IvrMenu next = ivr.next(menu, from);
        String chosen = language;
        return next == null ? cached("notice:" + language, () -> ivr.confidentiality(chosen))
                : cached("ask:" + next.question() + ":1:" + language, () -> ivr.ask(next, 1, chosen, false));
    }

    /** The caller pressed the "cannot speak freely" digit: reported once per call, whichever question it was. */
    private void reportQuiet(CallRef ref) {
        store(ref, "ivrAnswered", () -> switchboard.once("ivr:" + IvrQuestion.CANNOT_SPEAK_FREELY.name())
                .ivrAnswered(ref, IvrQuestion.CANNOT_SPEAK_FREELY, "YES"));
    }

    /** After the confidentiality notice: the caller waits for an operator. */
    @PostMapping("/queued")
    String queued(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam(name = "lang", defaultValue = "") String lang) {
        if (!lang.isEmpty()) {
            switchboard.checkIvrAnswer(IvrQuestion.LANGUAGE, lang);
        }
        CallRef ref = arrived(form);
        store(ref, "ivrCompleted", () -> switchboard.once("queued").ivrCompleted(ref));
        // Without lang: a notice rendered before the language rode in the URL (calls in progress at an upgrade).
        String language = lang.isEmpty() ? language(ref) : lang;
        if (nobodySignedIn()) {
            return xml(toFallback(ref, "no operator signed in", language));
        }
        return hold(language, 0);
    }

    /** The hold loop, until the adapter moves the call to an operator. */
    @PostMapping("/wait")
    String waiting(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam(name = "round", defaultValue = "0") int round) {
        CallRef ref = arrived(form);
        java.util.Optional<Call> stored;
        try {
            stored = calls.idOf(ref).flatMap(calls::load);
        } catch (org.springframework.dao.DataAccessException e) {
            stored = java.util.Optional.empty();
        }
        if (stored.isEmpty()) {
            // Not readable yet (its reports wait for the database): the caller keeps holding.
            return hold(ivr.firstLanguage(), Math.max(0, round));
        }
        Call call = stored.get();
        if (call.state() == CallState.QUEUED && (nobodySignedIn()
                || call.waited(clock.instant()).compareTo(settings.maxWait()) > 0)) {
            return xml(toFallback(ref, nobodySignedIn() ? "no operator signed in" : "waited too long",
                    call.language() == null ? ivr.firstLanguage() : call.language()));
        }
        return hold(call.language() == null ? ivr.firstLanguage() : call.language(), Math.max(0, round));
    }

    /**
     * The number's fallback URL: Twilio comes here when our voice URL failed (error, timeout, application down,
     * or a database that is away, which makes webhooks wait for a connection past Twilio's 15 s). The caller goes
     * to the human line or leaves a message at once; the call's record is written behind the answer, in order,
     * and kept until the database can take it ({@link PendingReports#later}).
     */
    @PostMapping("/fallback")
    String fallback(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form) {
        CallRef ref = TwilioForms.ref(form);
        String from = TwilioForms.from(form);
        String to = TwilioForms.dialled(form.get("To"));
        pending.later(ref, "arrived", () -> {
            switchboard.arrived(ref, from, to);
            return true;
        });
        pending.later(ref, "transferred", () -> switchboard.once("fallback:transferred").transferred(ref,
                "fallback line"));
        pending.later(ref, "ended", () -> switchboard.once("fallback:ended").ended(ref, "fallback"));
        return cached("fallback", () -> ivr.fallback(ivr.firstLanguage()));
    }

    /** The human fallback line's Dial ended: answered and over, or nobody took it (then a message). */
    @PostMapping("/fallback-done")
    String fallbackDone(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam(name = "lang", defaultValue = "") String lang) {
        String language = lang.isBlank() ? ivr.firstLanguage() : lang;
        String status = form.getOrDefault("DialCallStatus", "failed");
        if (status.equals("completed") || status.equals("answered")) {
            return hangUp();
        }
        return xml(ivr.voicemail(language));
    }

    /** A message was recorded: somebody must call this caller back. */
    @PostMapping("/voicemail")
    String voicemail(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam(name = "lang", defaultValue = "") String lang) {
        String language = lang.isBlank() ? ivr.firstLanguage() : lang;
        String recording = form.get("RecordingSid");
        int seconds = parseSeconds(form.get("RecordingDuration"));
        if (recording != null && recording.matches("RE[0-9a-fA-F]{32}") && seconds > 0) {
            try {
                CallRef ref = arrived(form);
                calls.idOf(ref).ifPresent(id -> callbacks.open(id, CallbackTasks.Reason.VOICEMAIL,
                        "twilio:" + recording, "system:twilio"));
            } catch (RuntimeException e) {
                // Twilio keeps the recording; the task can be recreated from its list of recordings.
                log.warn("the message left on twilio call {} has no callback task: {}", form.get("CallSid"),
                        e.getClass().getSimpleName());
            }
        }
        return xml(ivr.goodbye(language));
    }

    /**
     * The {@code <Dial>} to the operator ended. Twilio asks this while the caller is still on the line (the
     * operator hung up, or never answered) and also when the caller hung up, which its {@code CallStatus} tells.
     */
    @PostMapping("/dial-done")
    String dialDone(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("operator") long operatorId) {
        CallRef ref = arrived(form);
        String dialStatus = form.getOrDefault("DialCallStatus", "failed");
        String leg = form.getOrDefault("DialCallSid", "none");
        boolean callerGone = TwilioForms.FINAL.contains(form.getOrDefault("CallStatus", ""));
        OperatorId operator = new OperatorId(operatorId);
        if ((dialStatus.equals("completed") || dialStatus.equals("answered")) && !leg.equals("none")) {
            // The operator answered ("completed": the dialled party answered and the call is over). The leg's
            // status callbacks can come after this, even long after (Twilio's retries): stored later they would
            // be refused and the call would read as lost, or abandoned while ringing. Same delivery keys as theirs.
            store(ref, "ringing", () -> switchboard.once("op:" + leg + ":ringing").ringingImplied(ref, operator));
            store(ref, "answered", () -> switchboard.once("op:" + leg + ":in-progress").answered(ref, operator));
        }
        if (callerGone) {
            store(ref, "callerHungUp", () -> switchboard.once("end").callerHungUp(ref));
            return hangUp();
        }
        boolean answered = dialStatus.equals("completed") || dialStatus.equals("answered");
        // Only an answered Dial can have been moved into a conference (an escalation needs a talking operator): the
        // one database read this adds is on that branch, since the escalation may have started on the other node.
        boolean conferenced;
        try {
            conferenced = answered && line.conferenced(ref.providerCallId());
        } catch (org.springframework.dao.DataAccessException e) {
            // Unknown whether an escalation took the operator: a person on the fallback line, never a hang-up on a
            // caller the police may be joining.
            log.warn("twilio call {}: could not read its escalation, to the fallback line: {}",
                    ref.providerCallId(), e.getClass().getSimpleName());
            return xml(toFallback(ref, "database away", language(ref)));
        }
        if (conferenced) {
            // The adapter moved the operator into the escalation conference: the caller follows.
            return xml(ivr.conference(ref.providerCallId(), true));
        }
        if (answered) {
            store(ref, "ended", () -> switchboard.once("dial:" + leg).ended(ref, "operator"));
            return hangUp();
        }
        // no-answer, busy, failed, canceled: back to waiting; the routing brain offers the call again.
        store(ref, "noAnswer", () -> switchboard.once("dial:" + leg).noAnswer(ref, operator, dialStatus));
        return cached("back-to-wait", () -> new VoiceResponse.Builder()
                .redirect(new Redirect.Builder("/twilio/wait").method(HttpMethod.POST).build()).build());
    }

    /** The number's status callback: the caller's call is over. */
    @PostMapping("/status")
    String status(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form) {
        if (TwilioForms.FINAL.contains(form.getOrDefault("CallStatus", ""))) {
            // The hang-up can overtake the voice webhook (the caller gave up while Twilio waited for our
            // TwiML): the call is stored here then, so it ends instead of staying "in IVR" until a restart.
            CallRef ref = arrived(form);
            store(ref, "callerHungUp", () -> switchboard.once("end").callerHungUp(ref));
        }
        return cached("empty", () -> new VoiceResponse.Builder().build());
    }

    private CallRef arrived(Map<String, String> form) {
        return TwilioForms.arrived(pending, switchboard, form);
    }

    /**
     * Nobody could take a call: every operator is away, signed out, or has no phone connected. Routing's state is in the database now: while it is away nobody can
     * tell, and the caller holds (the hold loop asks again, and the maximum wait sends them to the human line) as
     * they did when the state was in memory.
     */
    private boolean nobodySignedIn() {
        try {
            return !routing.someoneCanAnswer();
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            return false;
        }
    }

    /** Takes a waiting caller out of the queue and to the fallback line; the call log says why. */
    private VoiceResponse toFallback(CallRef ref, String why, String language) {
        store(ref, "transferred", () -> switchboard.once("fallback:transferred").transferred(ref,
                "fallback line (" + why + ")"));
        store(ref, "ended", () -> switchboard.once("fallback:ended").ended(ref, "fallback"));
        return ivr.fallback(language);
    }

    private static int parseSeconds(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static IvrQuestion question(String q) {
        try {
            return IvrQuestion.valueOf(q);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("q must be one of " + java.util.Arrays.toString(IvrQuestion.values()));
        }
    }

    /** The caller's language; the first one while the call cannot be read (not stored yet, database away). */
    private String language(CallRef ref) {
        try {
            return calls.idOf(ref).flatMap(calls::load).map(Call::language).orElse(ivr.firstLanguage());
        } catch (org.springframework.dao.DataAccessException e) {
            return ivr.firstLanguage();
        }
    }

    private static String xml(VoiceResponse response) {
        return response.toXml();
    }

    /**
     * The hold loop's TwiML, by language and round. A caller waits at most {@code max-wait}, a few dozen rounds;
     * past a thousand (a signed but replayed URL, say) it is rendered each time rather than kept.
     */
    private String hold(String language, int round) {
        return round > 1000 ? xml(ivr.hold(language, round))
                : cached("hold:" + language + ":" + round, () -> ivr.hold(language, round));
    }

    private String hangUp() {
        return cached("hangup", () -> new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build());
    }

    /**
     * The same TwiML for every call, rendered once: the SDK's toXml() builds new XML factories on each call,
     * which was a sixth of a webhook's CPU under load (docs/benchmarks.md, Twilio webhooks).
     */
    private String cached(String key, java.util.function.Supplier<VoiceResponse> twiml) {
        return rendered.computeIfAbsent(key, k -> twiml.get().toXml());
    }

    private void store(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        TwilioForms.store(pending, ref, what, report);
    }
}
