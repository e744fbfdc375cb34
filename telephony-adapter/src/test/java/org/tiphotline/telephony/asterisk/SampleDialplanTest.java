package org.tiphotline.telephony.asterisk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walks calls through {@code ops/asterisk/extensions.conf}, the sample task forces copy to their Asterisk, with
 * a small interpreter of exactly the applications and expressions that file uses. Anything else fails the test
 * instead of being skipped, so an edit this interpreter does not model cannot pass unseen.
 *
 * <p>Where Asterisk itself would end a call early (AGI reporting HANGUP, Dial without {@code g} after an
 * answered call), the interpreter carries on: what is checked is that the dialplan does the right thing on its
 * own. MusicOnHold always runs to its timeout, as if the application never moved the caller.
 */
class SampleDialplanTest {

    private static final Path SAMPLE = Path.of("..", "ops", "asterisk", "extensions.conf");
    private static final String ANSWER = "hotline-inbound: Answer()";
    private static final String AGI = "hotline-inbound: AGI(agi://10.0.0.5:4573/hotline)";
    private static final String AGI_2 = "hotline-inbound: AGI(agi://10.0.0.6:4573/hotline)";
    private static final String WAIT = "hotline-wait: MusicOnHold(hotline,900)";
    private static final String DUTY_PHONE = "hotline-fallback: Dial(PJSIP/duty-phone,30)";
    private static final String VOICEMAIL = "hotline-fallback: VoiceMail(100@hotline,u)";
    private static final String FALLBACK_HANGUP = "hotline-fallback: Hangup()";
    private static final String RING_OPERATOR = "hotline-connect: Dial(PJSIP/operator1,20,m(hotline))";

    private static Dialplan dialplan;

    @BeforeAll
    static void parse() throws IOException {
        dialplan = Dialplan.parse(Files.readAllLines(SAMPLE));
    }

    @Test
    void namesAndGlobalsAreTheOnesTheAdapterUses() {
        assertThat(dialplan.globals())
                .containsEntry("HOTLINE_AGI", "agi://10.0.0.5:4573/hotline")
                .containsEntry("HOTLINE_AGI_2", "agi://10.0.0.6:4573/hotline")
                .containsEntry("HOTLINE_FALLBACK_DIAL", "PJSIP/duty-phone")
                .containsEntry("HOTLINE_FALLBACK_MAILBOX", "100@hotline")
                .containsEntry("HOTLINE_MAX_WAIT", "900");
        assertThat(dialplan.contexts()).containsOnlyKeys("hotline-inbound", "hotline-wait", "hotline-connect",
                "hotline-conference", "hotline-fallback", "hotline-prompt-check", "hotline-operators", "hotline-callback");
    }

    @Test
    void thePromptCheckWritesItsTokenAndWhichFormatsOfTheFileExistThenHangsUp() {
        String prompt = "/var/lib/asterisk/sounds/es/hotline/immediate-danger";
        Channel check = new Channel(dialplan).set("HOTLINE_PROMPT", prompt).set("HOTLINE_PROMPT_CHECK", "42")
                .withFiles(prompt + ".ulaw", prompt + ".g722", "/var/lib/asterisk/sounds/en/hotline/welcome.wav");

        assertThat(check.run("hotline-prompt-check", "s")).containsExactly("hotline-prompt-check: Hangup()");
        // One digit per format, in PromptCheck.FORMATS' order.
        assertThat(check.globalsSet()).containsExactly(Map.entry("HOTLINE_PROMPT_FOUND", "42:01000001"));
        assertThat(PromptCheck.FORMATS).containsExactly("wav", "ulaw", "alaw", "gsm", "sln", "sln16", "wav16",
                "g722");

        Channel none = new Channel(dialplan).set("HOTLINE_PROMPT", prompt).set("HOTLINE_PROMPT_CHECK", "43");
        none.run("hotline-prompt-check", "s");
        assertThat(none.globalsSet()).containsExactly(Map.entry("HOTLINE_PROMPT_FOUND", "43:00000000"));
    }

    @Test
    void everyLineIsModelledEveryJumpLandsAndNoPathRunsOffTheEnd() {
        dialplan.check();
    }

    @ParameterizedTest
    @ValueSource(strings = {"18765550100", "+18765550100", "s"})
    void neitherNodeReachableSendsTheCallerToTheDutyPhoneThenVoicemail(String dialled) {
        Channel caller = caller().onAgi(vars -> vars.put("AGISTATUS", "FAILURE"))
                .dialling("PJSIP/duty-phone", "NOANSWER");

        assertThat(caller.run("hotline-inbound", dialled))
                .containsExactly(ANSWER, AGI, AGI_2, DUTY_PHONE, VOICEMAIL, FALLBACK_HANGUP);
    }

    @Test
    void anApplicationWithoutTheScriptIsNotAskedOnTheSecondNodeTheCallerGoesToTheFallback() {
        Channel caller = caller().onAgi(vars -> vars.put("AGISTATUS", "NOTFOUND"))
                .dialling("PJSIP/duty-phone", "NOANSWER");

        assertThat(caller.run("hotline-inbound", "18765550100"))
                .containsExactly(ANSWER, AGI, DUTY_PHONE, VOICEMAIL, FALLBACK_HANGUP);
    }

    /** The first node does not answer FastAGI; the second runs the IVR, and the caller waits for an operator. */
    @ParameterizedTest
    @ValueSource(strings = {"18765550100", "+18765550100", "s"})
    void theSecondNodeRunsTheIvrWhenTheFirstDoesNotAnswer(String dialled) {
        int[] agis = {0};
        Channel caller = caller().onAgi(vars -> {
            if (++agis[0] == 1) {
                vars.put("AGISTATUS", "FAILURE");
            } else {
                vars.put("AGISTATUS", "SUCCESS");
                vars.put("HOTLINE_IVR", "done");
            }
        }).dialling("PJSIP/duty-phone", "NOANSWER");

        assertThat(caller.run("hotline-inbound", dialled))
                .containsExactly(ANSWER, AGI, AGI_2, WAIT, DUTY_PHONE, VOICEMAIL, FALLBACK_HANGUP);
    }

    /** A caller who hangs up during the second node's IVR is never dialled for either. */
    @Test
    void aCallerWhoHangsUpDuringTheSecondNodesIvrIsNeverDialledFor() {
        int[] agis = {0};
        Channel caller = caller().onAgi(vars -> vars.put("AGISTATUS", ++agis[0] == 1 ? "FAILURE" : "HANGUP"));

        assertThat(caller.run("hotline-inbound", "18765550100"))
                .containsExactly(ANSWER, AGI, AGI_2, "hotline-inbound: Hangup()");
    }

    /** With a single node (no second address) the dialplan never runs AGI() without one, which would hang up. */
    @Test
    void withoutASecondNodeAnUnreachableApplicationGoesStraightToTheFallback() {
        Channel caller = caller().set("HOTLINE_AGI_2", "").onAgi(vars -> vars.put("AGISTATUS", "FAILURE"))
                .dialling("PJSIP/duty-phone", "ANSWER");

        assertThat(caller.run("hotline-inbound", "18765550100"))
                .containsExactly(ANSWER, AGI, DUTY_PHONE, FALLBACK_HANGUP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"18765550100", "+18765550100", "s"})
    void applicationThatDiedMidIvrLeavesTheCallerToTheFallback(String dialled) {
        Channel caller = caller().onAgi(vars -> vars.put("AGISTATUS", "SUCCESS"))
                .dialling("PJSIP/duty-phone", "BUSY");

        assertThat(caller.run("hotline-inbound", dialled))
                .containsExactly(ANSWER, AGI, DUTY_PHONE, VOICEMAIL, FALLBACK_HANGUP);
    }

    @ParameterizedTest
    @ValueSource(strings = {"18765550100", "+18765550100", "s"})
    void finishedIvrWaitsWithMusicAndFallsBackOnlyAfterTheMaximumWait(String dialled) {
        Channel caller = caller().onAgi(vars -> {
            vars.put("HOTLINE_IVR", "done");
            vars.put("AGISTATUS", "SUCCESS");
        }).dialling("PJSIP/duty-phone", "NOANSWER");

        assertThat(caller.run("hotline-inbound", dialled))
                .containsExactly(ANSWER, AGI, WAIT, DUTY_PHONE, VOICEMAIL, FALLBACK_HANGUP);
    }

    @ParameterizedTest
    @CsvSource({"18765550100, false", "+18765550100, false", "s, false", "18765550100, true"})
    void callerWhoHungUpDuringTheIvrIsNeverDialledFor(String dialled, boolean ivrFinished) {
        // No Dial outcome is scripted: reaching any Dial would fail the test.
        Channel caller = caller().onAgi(vars -> {
            if (ivrFinished) {
                vars.put("HOTLINE_IVR", "done");
            }
            vars.put("AGISTATUS", "HANGUP");
        });

        assertThat(caller.run("hotline-inbound", dialled))
                .containsExactly(ANSWER, AGI, "hotline-inbound: Hangup()");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NOANSWER", "BUSY", "CHANUNAVAIL", "CONGESTION"})
    void operatorWhoDoesNotTakeTheCallSendsTheCallerBackToWaitAndTheApplicationIsTold(String dialStatus) {
        Channel caller = ringing("PJSIP/operator1").dialling("PJSIP/operator1", dialStatus)
                .dialling("PJSIP/duty-phone", "ANSWER");

        assertThat(caller.run("hotline-connect", "s")).containsExactly(RING_OPERATOR,
                "hotline-connect: UserEvent(HotlineDialFailed,Status: " + dialStatus + ",Offer: 7)", WAIT, DUTY_PHONE,
                FALLBACK_HANGUP);
    }

    /**
     * An unregistered phone: Asterisk refuses the Dial at once, creates no channel and sends no DialBegin or
     * DialEnd, so the UserEvent is the application's only word. By the time it runs the application may already
     * have Setvar'd the next offer (it reacts to other events too): the event names the offer that was dialled.
     */
    @Test
    void aDialRefusedWithoutAChannelIsReportedWithTheOfferThatWasDialled() {
        Channel caller = ringing("PJSIP/operator1").dialling("PJSIP/operator1", "CHANUNAVAIL")
                .whileDialling(vars -> vars.put("HOTLINE_OFFER", "8")).dialling("PJSIP/duty-phone", "NOANSWER");

        assertThat(caller.run("hotline-connect", "s")).containsExactly(RING_OPERATOR,
                "hotline-connect: UserEvent(HotlineDialFailed,Status: CHANUNAVAIL,Offer: 7)", WAIT, DUTY_PHONE,
                VOICEMAIL, FALLBACK_HANGUP);
    }

    /**
     * A callback: the operator's phone answered the Originate, and the person is dialled through the trunk showing
     * the hotline's number and no name; answered or not, the operator's leg then hangs up.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ANSWER", "NOANSWER", "BUSY"})
    void aCallbackDialsThePersonShowingTheHotlinesNumberOnly(String dialStatus) {
        Channel operator = new Channel(dialplan).set("HOTLINE_CALLBACK_DIAL", "PJSIP/+15550100187@escalation-trunk")
                .set("HOTLINE_CALLBACK_CALLERID", "+15550100999").set("HOTLINE_RING_SECONDS", "25")
                .set("CALLERID(num)", "201").set("CALLERID(name)", "Desk phone 201")
                .dialling("PJSIP/+15550100187@escalation-trunk", dialStatus);

        assertThat(operator.run("hotline-callback", "s")).containsExactly(
                "hotline-callback: Dial(PJSIP/+15550100187@escalation-trunk,25)", "hotline-callback: Hangup()");
        assertThat(operator.variables()).containsEntry("CALLERID(num)", "+15550100999")
                .containsEntry("CALLERID(name)", "");
    }

    @Test
    void answeredCallEndsWhenTheOperatorHangsUp() {
        Channel caller = ringing("PJSIP/operator1").dialling("PJSIP/operator1", "ANSWER");

        assertThat(caller.run("hotline-connect", "s")).containsExactly(RING_OPERATOR, "hotline-connect: Hangup()");
    }

    @Test
    void noOperatorEndpointSendsTheCallerBackToWaitWithoutDialling() {
        Channel caller = caller().set("HOTLINE_RING_SECONDS", "20").dialling("PJSIP/duty-phone", "ANSWER");

        assertThat(caller.run("hotline-connect", "s")).containsExactly(WAIT, DUTY_PHONE, FALLBACK_HANGUP);
    }

    @Test
    void conferenceGivesCallerOperatorAndPoliceLineTheirOwnProfiles() {
        assertThat(caller().set("HOTLINE_CONFERENCE", "hotline-42").run("hotline-conference", "s")).containsExactly(
                "hotline-conference: ConfBridge(hotline-42,hotline_bridge,hotline_user)",
                "hotline-conference: Hangup()");
        assertThat(caller().set("HOTLINE_CONFERENCE", "hotline-42").run("hotline-conference", "operator"))
                .containsExactly("hotline-conference: ConfBridge(hotline-42,hotline_bridge,hotline_operator)",
                        "hotline-conference: Hangup()");
        assertThat(caller().set("HOTLINE_CONFERENCE", "hotline-42").run("hotline-conference", "police"))
                .containsExactly("hotline-conference: ConfBridge(hotline-42,hotline_bridge,hotline_police)",
                        "hotline-conference: Hangup()");
    }

    @Test
    void nobodyIsLeftAloneInAConferenceOnlyTheCallerEndsWithTheLastHelper() throws IOException {
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        Map<String, String> section = null;
        for (String raw : Files.readAllLines(SAMPLE.resolveSibling("confbridge.conf"))) {
            String line = raw.replaceFirst(";.*", "").strip();
            Matcher name = Pattern.compile("\\[([\\w-]+)]").matcher(line);
            if (name.matches()) {
                section = new LinkedHashMap<>();
                profiles.put(name.group(1), section);
            } else if (!line.isEmpty() && section != null) {
                String[] kv = line.split("=", 2);
                section.put(kv[0].strip(), kv[1].strip());
            }
        }
        String[] joins = {"s", "operator", "police"};
        Map<String, Map<String, String>> used = new LinkedHashMap<>();
        for (String exten : joins) {
            String confBridge = caller().set("HOTLINE_CONFERENCE", "c").run("hotline-conference", exten).getFirst();
            String[] args = confBridge.replaceFirst(".*ConfBridge\\((.*)\\)", "$1").split(",");
            assertThat(profiles).as("profiles of exten " + exten).containsKeys(args[1], args[2]);
            assertThat(profiles.get(args[1])).containsEntry("type", "bridge");
            used.put(exten, profiles.get(args[2]));
        }
        assertThat(used.get("s")).containsEntry("type", "user").containsEntry("end_marked", "yes")
                .doesNotContainKey("marked");
        assertThat(used.get("operator")).containsEntry("marked", "yes").doesNotContainKey("end_marked");
        assertThat(used.get("police")).containsEntry("marked", "yes").doesNotContainKey("end_marked");
        // Nobody waits for a marked user to arrive: the caller and operator are talking when they are moved in.
        used.values().forEach(p -> assertThat(p).doesNotContainKey("wait_marked").containsEntry("quiet", "yes"));
    }

    @Test
    void operatorPhonesReachTheFallbackMailboxAndNothingElse() {
        assertThat(caller().run("hotline-operators", "100"))
                .containsExactly("hotline-operators: VoiceMailMain(100@hotline)", "hotline-operators: Hangup()");
        assertThat(caller().run("hotline-operators", "0018765550100")).containsExactly("hotline-operators: Hangup()");
    }

    @Test
    void interpreterRefusesWhatItDoesNotModel() {
        Dialplan odd = Dialplan.parse(List.of("[odd]",
                "exten => app,1,Playback(hello)",
                "exten => expr,1,GotoIf($[${N} < 2]?app,1)",
                "exten => func,1,Set(N=${CALLERID(num)})",
                "exten => bare,1,GotoIf(${N}?app,1)",
                "exten => end,1,Answer()"));

        assertThatThrownBy(() -> new Channel(odd).run("odd", "app")).hasMessageContaining("Playback is not modelled");
        assertThatThrownBy(() -> new Channel(odd).run("odd", "expr")).hasMessageContaining("not modelled");
        assertThatThrownBy(() -> new Channel(odd).run("odd", "func")).hasMessageContaining("not modelled");
        assertThatThrownBy(() -> new Channel(odd).set("N", "x").run("odd", "bare"))
                .hasMessageContaining("not the result of an expression");
        assertThatThrownBy(() -> new Channel(odd).run("odd", "end")).hasMessageContaining("ran off the end");
        assertThatThrownBy(() -> Dialplan.parse(List.of("[odd]", "include => elsewhere")))
                .hasMessageContaining("not understood");
    }

    private static Channel caller() {
        return new Channel(dialplan);
    }

    /** A caller the application has just Redirected to ring an operator. */
    private static Channel ringing(String endpoint) {
        return caller().set("HOTLINE_OPERATOR_ENDPOINT", endpoint).set("HOTLINE_RING_SECONDS", "20")
                .set("HOTLINE_OFFER", "7");
    }

    /** One priority: the application, its unsubstituted data, and the file line for error messages. */
    private record Step(String app, String data, int line) {}

    /** One extension's priorities (index 0 is priority 1) and its labels. */
    private record Extension(String name, List<Step> steps, Map<String, Integer> labels) {}

    /** Where a channel is: {@code exten} is what was dialled, {@code extension} the entry that answers it. */
    private record Position(String context, String exten, Extension extension, int priority) {}

    private record Dialplan(Map<String, String> globals, Map<String, Map<String, Extension>> contexts) {

        private static final Set<String> MODELLED = Set.of("Answer", "AGI", "Goto", "GotoIf", "Set", "NoOp", "Dial",
                "MusicOnHold", "VoiceMail", "VoiceMailMain", "ConfBridge", "UserEvent", "Hangup");
        private static final Pattern SECTION = Pattern.compile("\\[([\\w-]+)]");
        private static final Pattern EXTEN = Pattern.compile("exten\\s*=>\\s*([^,\\s]+)\\s*,(.*)");
        private static final Pattern SAME = Pattern.compile("same\\s*=>\\s*(.*)");
        private static final Pattern PRIORITY_AND_APP = Pattern.compile("(\\d+|n)(?:\\(([\\w-]+)\\))?,(\\w+)\\((.*)\\)");

        static Dialplan parse(List<String> lines) {
            Map<String, String> globals = new LinkedHashMap<>();
            Map<String, Map<String, Extension>> contexts = new LinkedHashMap<>();
            String section = null;
            Extension current = null;
            for (int i = 0; i < lines.size(); i++) {
                int line = i + 1;
                String text = withoutComment(lines.get(i), line).strip();
                Matcher header = SECTION.matcher(text);
                Matcher exten = EXTEN.matcher(text);
                Matcher same = SAME.matcher(text);
                String priorityAndApp;
                if (text.isEmpty()) {
                    continue;
                } else if (header.matches()) {
                    section = header.group(1);
                    current = null;
                    if (!section.equals("general") && !section.equals("globals")
                            && contexts.put(section, new LinkedHashMap<>()) != null) {
                        throw notUnderstood(line, "context [" + section + "] twice");
                    }
                    continue;
                } else if (("general".equals(section) || "globals".equals(section)) && text.indexOf('=') > 0) {
                    if (section.equals("globals")) {
                        int eq = text.indexOf('=');
                        globals.put(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
                    }
                    continue;
                } else if (contexts.containsKey(section) && exten.matches()) {
                    current = new Extension(exten.group(1), new ArrayList<>(), new HashMap<>());
                    if (contexts.get(section).putIfAbsent(current.name(), current) != null) {
                        throw notUnderstood(line, "extension " + current.name() + " defined twice");
                    }
                    priorityAndApp = exten.group(2);
                } else if (current != null && same.matches()) {
                    priorityAndApp = same.group(1);
                } else {
                    throw notUnderstood(line, text);
                }
                Matcher step = PRIORITY_AND_APP.matcher(priorityAndApp.strip());
                int priority = current.steps().size() + 1;
                if (!step.matches() || !(step.group(1).equals("n") || step.group(1).equals(String.valueOf(priority)))) {
                    throw notUnderstood(line, text + " (priorities run 1, n, n..., each App(...))");
                }
                if (step.group(2) != null) {
                    current.labels().put(step.group(2), priority);
                }
                current.steps().add(new Step(step.group(3), step.group(4), line));
            }
            return new Dialplan(globals, contexts);
        }

        private static String withoutComment(String line, int number) {
            if (line.contains("\\;") || line.contains(";--")) {
                throw notUnderstood(number, "escaped ; or block comment");
            }
            int semicolon = line.indexOf(';');
            return semicolon < 0 ? line : line.substring(0, semicolon);
        }

        private static AssertionError notUnderstood(int line, String what) {
            return new AssertionError("extensions.conf line " + line + " not understood: " + what);
        }

        /** Checks every line, not only the ones the scenarios happen to reach. */
        void check() {
            contexts.forEach((context, extensions) -> extensions.values().forEach(extension -> {
                for (Step step : extension.steps()) {
                    assertThat(MODELLED).as("line %d", step.line()).contains(step.app());
                    for (String destination : destinations(step)) {
                        resolve(new Position(context, extension.name(), extension, 1), destination, step.line());
                    }
                }
                assertThat(extension.steps().getLast().app()).as("last priority of %s,%s", context, extension.name())
                        .isIn("Hangup", "Goto");
            }));
        }

        private static List<String> destinations(Step step) {
            String targets = switch (step.app()) {
                case "Goto" -> step.data();
                case "GotoIf" -> step.data().substring(step.data().indexOf('?', step.data().lastIndexOf(']')) + 1);
                default -> "";
            };
            assertThat(targets).as("line %d: destinations must be literal", step.line()).doesNotContain("$");
            return targets.isEmpty() ? List.of() : List.of(targets.split(":"));
        }

        /** Where Goto([[context,]exten,]priority) leads; priority is a number or a label of that extension. */
        Position resolve(Position from, String destination, int line) {
            String[] parts = destination.split(",", -1);
            if (parts.length > 3) {
                throw new AssertionError("line " + line + ": destination " + destination + " not understood");
            }
            String context = parts.length == 3 ? parts[0] : from.context();
            String exten = parts.length >= 2 ? parts[parts.length - 2] : from.exten();
            Extension target = parts.length == 1 ? from.extension() : extension(context, exten, line);
            String label = parts[parts.length - 1];
            int priority = label.matches("\\d+") ? Integer.parseInt(label) : target.labels().getOrDefault(label, 0);
            if (priority < 1 || priority > target.steps().size()) {
                throw new AssertionError("line " + line + ": no priority " + label + " in " + context + "," + exten);
            }
            return new Position(context, exten, target, priority);
        }

        /** The extension Asterisk picks for a dialled string: the exact one, else the only matching pattern. */
        Extension extension(String context, String exten, int line) {
            Map<String, Extension> extensions = contexts.get(context);
            if (extensions == null) {
                throw new AssertionError("line " + line + ": no context [" + context + "]");
            }
            if (extensions.containsKey(exten) && !exten.startsWith("_")) {
                return extensions.get(exten);
            }
            List<Extension> matching = extensions.values().stream()
                    .filter(e -> e.name().startsWith("_") && exten.matches(regex(e.name()))).toList();
            if (matching.size() != 1) {
                throw new AssertionError("line " + line + ": " + matching.size() + " extensions of [" + context
                        + "] match " + exten);
            }
            return matching.getFirst();
        }

        private static String regex(String pattern) {
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.substring(1).toCharArray()) {
                regex.append(switch (c) {
                    case 'X' -> "[0-9]";
                    case 'Z' -> "[1-9]";
                    case 'N' -> "[2-9]";
                    case '.' -> ".+";
                    case '!' -> ".*";
                    case '[', ']', '-' -> throw new AssertionError("pattern " + pattern + " is not modelled");
                    default -> Pattern.quote(String.valueOf(c));
                });
            }
            return regex.toString();
        }
    }

    /**
     * A channel running the dialplan. The test scripts what the world answers (the AGI's outcome, each Dial's
     * DIALSTATUS); the trace is what the caller went through, "context: Application(substituted data)".
     */
    private static final class Channel {

        private static final int MAX_PRIORITIES = 50;

        private final Dialplan dialplan;
        private final Map<String, String> vars = new HashMap<>();
        private final Map<String, String> dialStatus = new HashMap<>();
        private final List<String> trace = new ArrayList<>();
        private Consumer<Map<String, String>> whileDialling = ignored -> { };
        /** What STAT(e,…) finds on this Asterisk's disk. */
        private final Set<String> files = new java.util.HashSet<>();
        /** What Set(GLOBAL(…)=…) wrote. */
        private final Map<String, String> globalsSet = new HashMap<>();
        private Consumer<Map<String, String>> agi = ignored -> {
            throw new AssertionError("AGI ran but the test scripted no outcome for it");
        };

        Channel(Dialplan dialplan) {
            this.dialplan = dialplan;
        }

        Channel set(String name, String value) {
            vars.put(name, value);
            return this;
        }

        Channel withFiles(String... paths) {
            files.addAll(List.of(paths));
            return this;
        }

        Map<String, String> globalsSet() {
            return globalsSet;
        }

        Map<String, String> variables() {
            return vars;
        }

        Channel onAgi(Consumer<Map<String, String>> outcome) {
            agi = outcome;
            return this;
        }

        Channel dialling(String destination, String status) {
            dialStatus.put(destination, status);
            return this;
        }

        /** What the application does to the channel's variables (AMI Setvar) while a Dial runs. */
        Channel whileDialling(Consumer<Map<String, String>> setvars) {
            whileDialling = setvars;
            return this;
        }

        List<String> run(String context, String exten) {
            Position at = new Position(context, exten, dialplan.extension(context, exten, 0), 1);
            for (int executed = 0; executed < MAX_PRIORITIES; executed++) {
                if (at.priority() > at.extension().steps().size()) {
                    throw new AssertionError("ran off the end of " + at.context() + "," + at.extension().name());
                }
                Step step = at.extension().steps().get(at.priority() - 1);
                String data = substitute(step.data(), step.line());
                Position next = new Position(at.context(), at.exten(), at.extension(), at.priority() + 1);
                switch (step.app()) {
                    case "NoOp" -> { }
                    case "Set" -> assign(data, step.line());
                    case "Goto" -> next = dialplan.resolve(at, data, step.line());
                    case "GotoIf" -> next = gotoIf(at, next, data, step.line());
                    case "Answer", "MusicOnHold", "VoiceMail", "VoiceMailMain", "ConfBridge", "UserEvent" ->
                            show(at, step, data);
                    case "AGI" -> {
                        show(at, step, data);
                        agi.accept(vars);
                    }
                    case "Dial" -> dial(at, step, data);
                    case "Hangup" -> {
                        show(at, step, data);
                        return trace;
                    }
                    default -> throw new AssertionError("line " + step.line() + ": " + step.app() + " is not modelled");
                }
                at = next;
            }
            throw new AssertionError("more than " + MAX_PRIORITIES + " priorities: the dialplan loops");
        }

        private void show(Position at, Step step, String data) {
            trace.add(at.context() + ": " + step.app() + "(" + data + ")");
        }

        private void assign(String data, int line) {
            int eq = data.indexOf('=');
            Matcher global = Pattern.compile("GLOBAL\\((\\w+)\\)").matcher(eq < 1 ? "" : data.substring(0, eq));
            if (global.matches()) {
                globalsSet.put(global.group(1), data.substring(eq + 1));
                return;
            }
            // CALLERID(num) and CALLERID(name) are what a callback's person sees: kept like variables.
            if (eq < 1 || !data.substring(0, eq).matches("\\w+|CALLERID\\((num|name)\\)")) {
                throw new AssertionError("line " + line + ": Set(" + data + ") is not modelled");
            }
            vars.put(data.substring(0, eq), data.substring(eq + 1));
        }

        private Position gotoIf(Position at, Position next, String data, int line) {
            int question = data.indexOf('?');
            String condition = question < 0 ? "" : data.substring(0, question).strip();
            if (!condition.equals("0") && !condition.equals("1")) {
                throw new AssertionError("line " + line + ": GotoIf condition '" + condition
                        + "' is not the result of an expression");
            }
            String[] branches = data.substring(question + 1).split(":", 2);
            String chosen = condition.equals("1") ? branches[0] : branches.length > 1 ? branches[1] : "";
            return chosen.isEmpty() ? next : dialplan.resolve(at, chosen, line);
        }

        private void dial(Position at, Step step, String data) {
            String destination = data.split(",", -1)[0];
            if (destination.isEmpty()) {
                throw new AssertionError("line " + step.line() + ": Dial with no destination hangs the caller up");
            }
            show(at, step, data);
            String status = dialStatus.get(destination);
            if (status == null) {
                throw new AssertionError("Dial(" + destination + ") but the test scripted no outcome for it");
            }
            whileDialling.accept(vars);
            vars.put("DIALSTATUS", status);
        }

        /**
         * ${NAME} (channel variable, else global), ${STAT(e,path)} (whether the path is one of {@link #files}) and
         * $[expression]; other functions and substrings are refused.
         */
        private String substitute(String text, int line) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < text.length()) {
                if (text.startsWith("${", i)) {
                    int end = closingBrace(text, i, line);
                    String name = text.substring(i + 2, end);
                    Matcher stat = Pattern.compile("STAT\\(e,(.*)\\)").matcher(name);
                    if (stat.matches()) {
                        out.append(files.contains(substitute(stat.group(1), line)) ? "1" : "0");
                    } else if (name.matches("\\w+")) {
                        out.append(vars.getOrDefault(name, dialplan.globals().getOrDefault(name, "")));
                    } else {
                        throw new AssertionError("line " + line + ": ${" + name + "} is not modelled");
                    }
                    i = end + 1;
                } else if (text.startsWith("$[", i)) {
                    int end = closingBracket(text, i + 1, line);
                    out.append(Expression.evaluate(substitute(text.substring(i + 2, end), line), line));
                    i = end + 1;
                } else if (text.charAt(i) == '$') {
                    throw new AssertionError("line " + line + ": " + text.substring(i) + " is not modelled");
                } else {
                    out.append(text.charAt(i++));
                }
            }
            return out.toString();
        }

        private static int closingBrace(String text, int open, int line) {
            int depth = 0;
            for (int i = open; i < text.length(); i++) {
                if (text.startsWith("${", i)) {
                    depth++;
                    i++;
                } else if (text.charAt(i) == '}' && --depth == 0) {
                    return i;
                }
            }
            throw new AssertionError("line " + line + ": unclosed ${ in " + text);
        }

        private static int closingBracket(String text, int open, int line) {
            int depth = 0;
            for (int i = open; i < text.length(); i++) {
                depth += text.charAt(i) == '[' ? 1 : text.charAt(i) == ']' ? -1 : 0;
                if (depth == 0) {
                    return i;
                }
            }
            throw new AssertionError("line " + line + ": unclosed $[ in " + text);
        }
    }

    /**
     * Asterisk's $[...] for what the sample uses: quoted or plain operands, = and != (numeric when both sides are
     * numbers), & and | with Asterisk's precedence (comparison binds tighter than &, & tighter than |), parentheses.
     */
    private static final class Expression {

        private static final Pattern TOKEN = Pattern.compile("\\s*(\"[^\"]*\"|!=|[=&|()]|[\\w./@-]+)\\s*");

        private final List<String> tokens = new ArrayList<>();
        private final int line;
        private int next;

        private Expression(String text, int line) {
            this.line = line;
            Matcher token = TOKEN.matcher(text);
            for (int at = 0; at < text.length(); at = token.end()) {
                if (!token.region(at, text.length()).lookingAt()) {
                    throw new AssertionError("line " + line + ": $[" + text + "] is not modelled");
                }
                tokens.add(token.group(1));
            }
        }

        static String evaluate(String text, int line) {
            Expression expression = new Expression(text, line);
            String value = expression.or();
            if (expression.next != expression.tokens.size()) {
                throw new AssertionError("line " + line + ": $[" + text + "] is not modelled");
            }
            return value;
        }

        private String or() {
            String left = and();
            while (accept("|")) {
                String right = and();
                left = truthy(left) ? left : right;
            }
            return left;
        }

        private String and() {
            String left = comparison();
            while (accept("&")) {
                String right = comparison();
                left = truthy(left) && truthy(right) ? left : "0";
            }
            return left;
        }

        private String comparison() {
            String left = operand();
            if (accept("=")) {
                return equal(left, operand()) ? "1" : "0";
            }
            if (accept("!=")) {
                return equal(left, operand()) ? "0" : "1";
            }
            return left;
        }

        private String operand() {
            if (accept("(")) {
                String value = or();
                if (!accept(")")) {
                    throw new AssertionError("line " + line + ": unbalanced parentheses in $[...]");
                }
                return value;
            }
            if (next == tokens.size() || Set.of("=", "!=", "&", "|", ")").contains(tokens.get(next))) {
                throw new AssertionError("line " + line + ": operand missing in $[" + String.join(" ", tokens) + "]");
            }
            String token = tokens.get(next++);
            return token.startsWith("\"") ? token.substring(1, token.length() - 1) : token;
        }

        private boolean accept(String operator) {
            if (next < tokens.size() && tokens.get(next).equals(operator)) {
                next++;
                return true;
            }
            return false;
        }

        private static boolean equal(String left, String right) {
            boolean numbers = left.matches("-?\\d+") && right.matches("-?\\d+");
            return numbers ? Long.parseLong(left) == Long.parseLong(right) : left.equals(right);
        }

        private static boolean truthy(String value) {
            return !value.isEmpty() && !value.equals("0");
        }
    }
}
