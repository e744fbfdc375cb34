package org.tiphotline.telephony.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Conference;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Identity;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Redirect;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
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
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.Presence;
import org.tiphotline.routing.Router;
import org.tiphotline.telephony.ivr.IvrMenu;

/**
 * Twilio's webhooks: each one verified by {@link TwilioSignature} before it gets here, each report stored once
 * per call and delivery ({@link Switchboard#once}), so Twilio's retries and out-of-order deliveries leave one
 * record in the right final state. Every answer is TwiML that keeps the caller on the line; a caller is never
 * hung up because a report could not be stored.
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
    /**
     * What Twilio puts in {@code From} when the caller's number is withheld: ANONYMOUS, RESTRICTED, UNAVAILABLE,
     * BLOCKED and UNKNOWN spelt on a keypad. Taken as numbers they would be asked for a callback, dialled, and make
     * every anonymous caller one "repeat caller".
     */
    private static final Set<String> WITHHELD = Set.of("+266696687", "+7378742833", "+86282452253", "+2562533",
            "+8656696");
    /** A caller's call has ended with one of these (the number's status callback). */
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final Switchboard switchboard;
    private final Calls calls;
    private final Operators operators;
    private final TwilioIvr ivr;
    private final TwilioSettings settings;
    private final TwilioLine line;
    private final Router router;
    private final CallbackTasks callbacks;
    private final PendingReports pending;
    private final Clock clock;
    /** TwiML that depends only on settings and the request's own parameters; see {@link #cached}. */
    private final Map<String, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    TwilioWebhooks(Switchboard switchboard, Calls calls, Operators operators, TwilioIvr ivr,
            TwilioSettings settings, TwilioLine line, Router router, CallbackTasks callbacks, PendingReports pending,
            Clock clock) {
        this.switchboard = switchboard;
        this.calls = calls;
        this.operators = operators;
        this.ivr = ivr;
        this.settings = settings;
        this.line = line;
        this.router = router;
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
        String from = from(form);
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
        CallRef ref = ref(form);
        String from = from(form);
        String to = dialled(form.get("To"));
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

    /** The adapter moved the call here to ring the operator the routing brain chose. */
    @PostMapping("/connect")
    String connect(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("operator") long operatorId) {
        arrived(form);
        Operator operator = operators.byId(new OperatorId(operatorId))
                .orElseThrow(() -> new IllegalArgumentException("no such operator"));
        // Per operator, from settings only: as many copies as operators.
        return cached("connect:" + operator.id().value(), () -> dialOperator(operator));
    }

    private VoiceResponse dialOperator(Operator operator) {
        long operatorId = operator.id().value();
        String status = settings.publicBaseUrl() + "/twilio/operator-status?operator=" + operatorId;
        Dial.Builder dial = new Dial.Builder().answerOnBridge(true).timeout(settings.ringSeconds())
                .action("/twilio/dial-done?operator=" + operatorId).method(HttpMethod.POST);
        String phone = settings.operatorPhones().get(operator.username());
        if (phone != null) {
            dial.number(new Number.Builder(phone).statusCallback(status).statusCallbackMethod(HttpMethod.POST)
                    .statusCallbackEvents(java.util.List.of(Number.Event.RINGING, Number.Event.ANSWERED)).build());
        } else {
            dial.client(new Client.Builder().identity(new Identity.Builder(TwilioTokens.identity(operator.id()))
                    .build()).statusCallback(status)
                    .statusCallbackMethod(HttpMethod.POST)
                    .statusCallbackEvents(java.util.List.of(Client.Event.RINGING, Client.Event.ANSWERED)).build());
        }
        return new VoiceResponse.Builder().dial(dial.build()).build();
    }

    /** The operator's leg rings or answers. */
    @PostMapping("/operator-status")
    String operatorStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("operator") long operatorId) {
        String parent = required(form, "ParentCallSid");
        String leg = required(form, "CallSid");
        String status = required(form, "CallStatus");
        CallRef ref = new CallRef(TwilioLine.PROVIDER, parent);
        OperatorId operator = new OperatorId(operatorId);
        String key = "op:" + leg + ":" + status;
        switch (status) {
            case "ringing" -> store(ref, "ringing", () -> switchboard.once(key).ringing(ref, operator));
            case "in-progress", "answered" -> {
                line.operatorAnswered(parent, leg);
                // Status callbacks can overtake each other: an answer implies the ringing, which brings the
                // operator's screen pop. The real ringing callback, if it comes later, is the same delivery.
                store(ref, "ringing", () -> switchboard.once("op:" + leg + ":ringing").ringing(ref, operator));
                store(ref, "answered", () -> switchboard.once(key).answered(ref, operator));
            }
            default -> { }
        }
        return cached("empty", () -> new VoiceResponse.Builder().build());
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
        boolean callerGone = FINAL.contains(form.getOrDefault("CallStatus", ""));
        OperatorId operator = new OperatorId(operatorId);
        if ((dialStatus.equals("completed") || dialStatus.equals("answered")) && !leg.equals("none")) {
            // The operator answered ("completed": the dialled party answered and the call is over). The leg's
            // status callbacks can come after this, even long after (Twilio's retries): stored later they would
            // be refused and the call would read as lost, or abandoned while ringing. Same delivery keys as theirs.
            store(ref, "ringing", () -> switchboard.once("op:" + leg + ":ringing").ringing(ref, operator));
            store(ref, "answered", () -> switchboard.once("op:" + leg + ":in-progress").answered(ref, operator));
        }
        if (callerGone) {
            line.ended(ref.providerCallId());
            store(ref, "callerHungUp", () -> switchboard.once("end").callerHungUp(ref));
            return hangUp();
        }
        if (line.conferenced(ref.providerCallId())) {
            // The adapter moved the operator into the escalation conference: the caller follows.
            return xml(conference(ref.providerCallId(), true));
        }
        if (dialStatus.equals("completed") || dialStatus.equals("answered")) {
            store(ref, "ended", () -> switchboard.once("dial:" + leg).ended(ref, "operator"));
            return hangUp();
        }
        // no-answer, busy, failed, canceled: back to waiting; the routing brain offers the call again.
        store(ref, "noAnswer", () -> switchboard.once("dial:" + leg).noAnswer(ref, operator, dialStatus));
        return cached("back-to-wait", () -> new VoiceResponse.Builder()
                .redirect(new Redirect.Builder("/twilio/wait").method(HttpMethod.POST).build()).build());
    }

    /** The operator's leg, moved here by the adapter, joins the call's escalation conference. */
    @PostMapping("/conference")
    String conferenceLeg(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call, @RequestParam("role") String role) {
        if (!role.equals("operator")) {
            throw new IllegalArgumentException("role must be operator");
        }
        // The leg's own CallSid is not a hotline call: nothing is stored for it.
        return xml(conference(callSid(call), false));
    }

    /** The escalation line's call: answered (the escalation worked) or not. */
    @PostMapping("/escalation-status")
    String escalationStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call, @RequestParam("mode") String mode) {
        if (!mode.equals("conference") && !mode.equals("transfer")) {
            throw new IllegalArgumentException("mode must be conference or transfer");
        }
        CallRef ref = new CallRef(TwilioLine.PROVIDER, callSid(call));
        String leg = required(form, "CallSid");
        String status = required(form, "CallStatus");
        switch (status) {
            case "in-progress", "answered" -> {
                store(ref, "escalated", () -> switchboard.once("escalation:" + leg + ":answered").escalated(ref,
                        mode, true, null));
                if (mode.equals("transfer")) {
                    store(ref, "transferred", () -> switchboard.once("escalation:" + leg + ":transferred")
                            .transferred(ref,
                            "escalation line"));
                    store(ref, "ended", () -> switchboard.once("escalation:" + leg + ":ended").ended(ref,
                            "transfer"));
                }
                line.escalationAnswered(ref.providerCallId());
            }
            case "busy", "no-answer", "failed", "canceled", "completed" -> {
                // "completed" after an answer is the line hanging up later; before one, it never answered.
                if (line.conferenced(ref.providerCallId())) {
                    store(ref, "escalated", () -> switchboard.once("escalation:" + leg + ":failed").escalated(ref,
                            mode, false,
                            "escalation line: " + status));
                    line.escalationFailed(ref.providerCallId());
                }
            }
            default -> { }
        }
        return cached("empty", () -> new VoiceResponse.Builder().build());
    }

    /** Joins and leaves in a call's escalation conference. */
    @PostMapping("/conference-status")
    String conferenceStatus(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form,
            @RequestParam("call") String call) {
        String event = form.getOrDefault("StatusCallbackEvent", "");
        String participant = form.get("CallSid");
        if (participant != null && (event.equals("participant-join") || event.equals("participant-leave"))) {
            line.conferenceChanged(callSid(call), participant, event.equals("participant-join"));
        }
        return cached("empty", () -> new VoiceResponse.Builder().build());
    }

    /** The number's status callback: the caller's call is over. */
    @PostMapping("/status")
    String status(@RequestAttribute(TwilioSignature.FORM) Map<String, String> form) {
        if (FINAL.contains(form.getOrDefault("CallStatus", ""))) {
            // The hang-up can overtake the voice webhook (the caller gave up while Twilio waited for our
            // TwiML): the call is stored here then, so it ends instead of staying "in IVR" until a restart.
            CallRef ref = arrived(form);
            line.ended(ref.providerCallId());
            store(ref, "callerHungUp", () -> switchboard.once("end").callerHungUp(ref));
        }
        return cached("empty", () -> new VoiceResponse.Builder().build());
    }

    @ExceptionHandler({IllegalArgumentException.class, org.springframework.web.bind.MissingRequestValueException.class,
            org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class})
    ResponseEntity<String> badRequest(Exception e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN)
                .body(e.getMessage());
    }

    /**
     * The call, stored on its first webhook: Twilio may retry or reorder, so any webhook can be the first. With
     * the database away the arrival is kept (and the call's later reports behind it), so the caller goes on
     * through the IVR and waits on hold instead of meeting an error.
     */
    private CallRef arrived(Map<String, String> form) {
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
    private static String from(Map<String, String> form) {
        String from = form.get("From");
        return from == null || WITHHELD.contains(from.strip()) ? null : from;
    }

    private static CallRef ref(Map<String, String> form) {
        return new CallRef(TwilioLine.PROVIDER, callSid(required(form, "CallSid")));
    }

    private static String callSid(String sid) {
        if (!sid.matches("CA[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("CallSid is not a Twilio call SID");
        }
        return sid;
    }

    /**
     * The call's escalation conference. The caller's leaving ends it for everyone; the conference's joins and
     * leaves tell the line when the caller would be left alone.
     */
    private VoiceResponse conference(String callerSid, boolean caller) {
        Conference room = new Conference.Builder(TwilioLine.CONFERENCE_PREFIX + callerSid)
                .beep(Conference.Beep.FALSE).startConferenceOnEnter(true).endConferenceOnExit(caller)
                .statusCallback(settings.publicBaseUrl() + "/twilio/conference-status?call=" + callerSid)
                .statusCallbackMethod(HttpMethod.POST)
                .statusCallbackEvents(java.util.List.of(Conference.Event.JOIN, Conference.Event.LEAVE)).build();
        return new VoiceResponse.Builder().dial(new Dial.Builder().conference(room).build()).build();
    }

    /** Nobody could take a call: every operator is away, signed out, or has no phone connected. */
    private boolean nobodySignedIn() {
        return router.snapshot().operators().stream().allMatch(seat -> seat.presence() == Presence.AWAY
                || seat.presence() == Presence.PHONE_NOT_CONNECTED);
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

    /**
     * Stores a report; if the database refuses, the caller still gets their TwiML (dropping them would be worse
     * than a missing event), and the failure is logged with the call id only.
     */
    private void store(CallRef ref, String what, java.util.function.BooleanSupplier report) {
        try {
            pending.report(ref, what, report);
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            // Refused for what it says (a database constraint); a database that is away keeps it for later.
            log.warn("a Twilio report could not be stored: {}", e.getClass().getSimpleName());
        }
    }

    private static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static String dialled(String to) {
        return to == null || to.isBlank() || to.length() > 40 ? "unknown" : to;
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
}
