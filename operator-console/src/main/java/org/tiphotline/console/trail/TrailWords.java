package org.tiphotline.console.trail;

import static org.tiphotline.db.Tables.APP_USER;
import static org.tiphotline.db.Tables.CALL;
import static org.tiphotline.db.Tables.CALLBACK_TASK;
import static org.tiphotline.db.Tables.CALLER_FLAG;
import static org.tiphotline.db.Tables.CASE_DOCUMENT;
import static org.tiphotline.db.Tables.CASE_SOURCE;
import static org.tiphotline.db.Tables.ESCALATION;
import static org.tiphotline.db.Tables.HOTLINE_REPORT;
import static org.tiphotline.db.Tables.ONLINE_REPORT;
import static org.tiphotline.db.Tables.REGISTRY_CASE;
import static org.tiphotline.db.Tables.SCREENING_REPORT;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import org.tiphotline.escalation.Directory;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.labels.Labels;
import org.tiphotline.online.OnlineForm;
import org.tiphotline.registry.CaseForm;
import org.tiphotline.screening.ScreeningForm;

/**
 * A page of the trail in the words people use: a person by name (not their user id), a record as people name it (a
 * case by its number, a call by its time and line, an account by its holder), the action and the fields in words
 * (the forms' own labels). What the audit log keeps is already free of personal data (field names, never values);
 * the before-and-after values shown are those of staff records alone (accounts and availability).
 */
@Component
class TrailWords {

    /** One row of the page. {@code call}: the call the record belongs to, so the page can narrow to it. */
    record Row(OffsetDateTime at, String person, String personName, String action, String actionWords,
            String record, String caseReference, UUID call, List<String> fields, List<String> changes,
            String address) {}

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final DSLContext db;
    private final Directory directory;
    private final ZoneId zone;
    private final DateTimeFormatter time;
    private final Map<String, Map<String, String>> formLabels = new HashMap<>();

    TrailWords(DSLContext db, Directory directory, JurisdictionSettings jurisdiction, HotlineForm hotline,
            CaseForm cases, OnlineForm online, ScreeningForm screening) {
        this.db = db;
        this.directory = directory;
        this.zone = ZoneId.of(jurisdiction.timeZone());
        this.time = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", Locale.ENGLISH).withZone(zone);
        formLabels.put("hotline_report", labels(hotline.fields()));
        formLabels.put("registry_case", labels(cases.fields()));
        formLabels.put("online_report", labels(online.fields()));
        formLabels.put("screening_report", labels(screening.fields()));
    }

    ZoneId zone() {
        return zone;
    }

    /** Who may appear as the one who acted, besides people: the system's own writers, in words. */
    static String systemActor(String actor) {
        if (actor.equals(org.tiphotline.retention.RetentionBatches.ACTOR)) {
            return "Retention (automatic)";
        }
        if (actor.equals(org.tiphotline.protection.rotation.Reencryption.ACTOR)) {
            return "Key rotation (automatic)";
        }
        if (actor.equals("system:callbacks")) {
            return "Callbacks (automatic)";
        }
        if (actor.startsWith("system:")) {
            return "The phone line (" + actor.substring("system:".length()) + ")";
        }
        return switch (actor) {
            case "online-form" -> "The public online form";
            case "consent-sealing" -> "Consent sealing (automatic)";
            case "bootstrap-command" -> "The set-up command (first administrator)";
            default -> null;
        };
    }

    List<Row> words(List<TrailQuery.Entry> entries) {
        Lookup look = new Lookup(entries);
        List<Row> rows = new ArrayList<>();
        for (TrailQuery.Entry e : entries) {
            String personName = look.personName(e.actor());
            if (e.source() == TrailQuery.Source.SIGN_IN) {
                TrailAction action = TrailAction.ofOutcome(e.action());
                rows.add(new Row(e.at().atOffset(java.time.ZoneOffset.UTC), e.actor(), personName, action.name(),
                        TrailAction.outcomeWords(e.action()), "Sign-in", null, null, List.of(), List.of(),
                        e.address()));
                continue;
            }
            TrailAction action = TrailAction.valueOf(e.action());
            Described d = org.tiphotline.retention.RetentionBatches.ENTITY.equals(e.entity())
                    ? new Described(RetentionRows.words(e.changes()), null, null)
                    : look.record(e.entity(), e.entityId());
            List<String> fields = e.fields().stream().map(f -> look.field(e.entity(), f)).toList();
            List<String> changes = StaffChanges.words(e.entity(), e.changes());
            rows.add(new Row(e.at().atOffset(java.time.ZoneOffset.UTC), e.actor(), personName, action.name(),
                    action.words, d.words(), d.caseReference(), d.call(), fields, changes, null));
        }
        return rows;
    }

    private record Described(String words, String caseReference, UUID call) {}

    private record CallFacts(OffsetDateTime arrivedAt, String line, String direction) {}

    /** The names behind one page's ids, each kind fetched once. */
    private final class Lookup {

        final Map<String, String> namesByUsername = new HashMap<>();
        final Map<String, String> namesById = new HashMap<>();
        final Map<UUID, String> caseReferences = new HashMap<>();
        final Map<UUID, UUID> documentCases = new HashMap<>();
        final Map<UUID, UUID> reportCalls = new HashMap<>();
        final Map<UUID, String> sourceCases = new HashMap<>();
        final Map<UUID, String> onlineReferences = new HashMap<>();
        final Map<UUID, String> screeningReferences = new HashMap<>();
        final Map<UUID, Object[]> escalations = new HashMap<>();
        final Map<UUID, UUID> taskCalls = new HashMap<>();
        final Map<UUID, UUID> flagCalls = new HashMap<>();
        final Map<UUID, CallFacts> calls = new HashMap<>();

        Lookup(List<TrailQuery.Entry> entries) {
            Set<String> usernames = new HashSet<>();
            Set<Long> userIds = new HashSet<>();
            Map<String, Set<UUID>> ids = new HashMap<>();
            Set<UUID> callIds = new HashSet<>();
            for (TrailQuery.Entry e : entries) {
                usernames.add(e.actor());
                if (e.entity() == null) {
                    continue;
                }
                switch (e.entity()) {
                    case "second_factor" -> usernames.add(e.entityId());
                    case "app_user", "operator_presence" -> number(e.entityId()).ifPresent(userIds::add);
                    default -> uuid(e.entityId()).ifPresent(id -> ids.computeIfAbsent(e.entity(),
                            k -> new HashSet<>()).add(id));
                }
                for (String f : e.fields()) {
                    for (String part : f.split(":")) {
                        uuid(part).ifPresent(callIds::add);
                    }
                }
            }
            db.select(APP_USER.USERNAME, APP_USER.DISPLAY_NAME).from(APP_USER)
                    .where(APP_USER.USERNAME.in(usernames)).forEach(r -> namesByUsername.put(r.value1(), r.value2()));
            db.select(APP_USER.ID, APP_USER.DISPLAY_NAME).from(APP_USER).where(APP_USER.ID.in(userIds))
                    .forEach(r -> namesById.put(String.valueOf(r.value1()), r.value2()));
            Set<UUID> cases = new HashSet<>(of(ids, "registry_case"));
            db.select(CASE_DOCUMENT.ID, CASE_DOCUMENT.CASE_ID).from(CASE_DOCUMENT)
                    .where(CASE_DOCUMENT.ID.in(of(ids, "case_document"))).forEach(r -> {
                        documentCases.put(r.value1(), r.value2());
                        cases.add(r.value2());
                    });
            Set<UUID> sources = new HashSet<>();
            sources.addAll(of(ids, "hotline_report"));
            sources.addAll(of(ids, "online_report"));
            sources.addAll(of(ids, "screening_report"));
            db.select(CASE_SOURCE.HOTLINE_REPORT_ID, CASE_SOURCE.ONLINE_REPORT_ID, CASE_SOURCE.SCREENING_REPORT_ID,
                            CASE_SOURCE.CASE_ID).from(CASE_SOURCE)
                    .where(CASE_SOURCE.HOTLINE_REPORT_ID.in(sources).or(CASE_SOURCE.ONLINE_REPORT_ID.in(sources))
                            .or(CASE_SOURCE.SCREENING_REPORT_ID.in(sources))).forEach(r -> {
                        UUID source = r.value1() != null ? r.value1() : r.value2() != null ? r.value2() : r.value3();
                        sourceCases.put(source, r.value4().toString());
                        cases.add(r.value4());
                    });
            db.select(REGISTRY_CASE.ID, REGISTRY_CASE.REFERENCE).from(REGISTRY_CASE).where(REGISTRY_CASE.ID.in(cases))
                    .forEach(r -> caseReferences.put(r.value1(), r.value2()));
            db.select(HOTLINE_REPORT.ID, HOTLINE_REPORT.CALL_ID).from(HOTLINE_REPORT)
                    .where(HOTLINE_REPORT.ID.in(of(ids, "hotline_report"))).forEach(r -> {
                        reportCalls.put(r.value1(), r.value2());
                        callIds.add(r.value2());
                    });
            db.select(ONLINE_REPORT.ID, ONLINE_REPORT.REFERENCE).from(ONLINE_REPORT)
                    .where(ONLINE_REPORT.ID.in(of(ids, "online_report")))
                    .forEach(r -> onlineReferences.put(r.value1(), r.value2()));
            db.select(SCREENING_REPORT.ID, SCREENING_REPORT.REFERENCE).from(SCREENING_REPORT)
                    .where(SCREENING_REPORT.ID.in(of(ids, "screening_report")))
                    .forEach(r -> screeningReferences.put(r.value1(), r.value2()));
            db.select(ESCALATION.ID, ESCALATION.CALL_ID, ESCALATION.AGENCY).from(ESCALATION)
                    .where(ESCALATION.ID.in(of(ids, "escalation"))).forEach(r -> {
                        escalations.put(r.value1(), new Object[] {r.value2(), r.value3()});
                        if (r.value2() != null) {
                            callIds.add(r.value2());
                        }
                    });
            db.select(CALLBACK_TASK.ID, CALLBACK_TASK.CALL_ID).from(CALLBACK_TASK)
                    .where(CALLBACK_TASK.ID.in(of(ids, "callback_task"))).forEach(r -> {
                        taskCalls.put(r.value1(), r.value2());
                        callIds.add(r.value2());
                    });
            Set<UUID> flagIds = new HashSet<>(of(ids, "caller_flag"));
            flagIds.addAll(callIds);
            db.select(CALLER_FLAG.ID, CALLER_FLAG.CALL_ID).from(CALLER_FLAG)
                    .where(CALLER_FLAG.ID.in(flagIds)).forEach(r -> {
                        flagCalls.put(r.value1(), r.value2());
                        callIds.add(r.value2());
                    });
            callIds.addAll(of(ids, "call"));
            callIds.addAll(of(ids, "caller_history"));
            db.select(CALL.ID, CALL.ARRIVED_AT, CALL.DIALLED_NUMBER, CALL.DIRECTION).from(CALL)
                    .where(CALL.ID.in(callIds))
                    .forEach(r -> calls.put(r.value1(), new CallFacts(r.value2(), r.value3(), r.value4())));
        }

        String personName(String actor) {
            String name = namesByUsername.get(actor);
            if (name != null) {
                return name;
            }
            String system = systemActor(actor);
            return system != null ? system : "“" + actor + "” (no such account)";
        }

        Described record(String entity, String entityId) {
            UUID id = uuid(entityId).orElse(null);
            return switch (entity) {
                case "registry_case" -> {
                    String ref = caseReferences.get(id);
                    yield new Described(ref != null ? "Case " + ref : "A case no longer in the registry", ref, null);
                }
                case "case_document" -> {
                    UUID holder = documentCases.get(id);
                    String ref = holder == null ? null : caseReferences.get(holder);
                    // Not its kind: "a medical report" would already say something of the person.
                    yield new Described(holder == null ? "A document no longer in the registry" : "A document of case "
                            + ref, ref, null);
                }
                case "hotline_report" -> {
                    UUID call = reportCalls.get(id);
                    String ref = caseOf(id);
                    yield new Described("Hotline report of the " + call(call) + inCase(ref), ref, call);
                }
                case "online_report" -> {
                    String ref = caseOf(id);
                    yield new Described("Online report " + orUnknown(onlineReferences.get(id)) + inCase(ref), ref,
                            null);
                }
                case "screening_report" -> {
                    String ref = caseOf(id);
                    yield new Described("Screening form " + orUnknown(screeningReferences.get(id)) + inCase(ref),
                            ref, null);
                }
                case "call" -> new Described(capital(call(id)), null, id);
                case "caller_history" -> new Described("The caller's earlier contacts, on the " + call(id), null, id);
                case "escalation" -> {
                    Object[] e = escalations.get(id);
                    UUID call = e == null ? null : (UUID) e[0];
                    String agency = e == null ? "an agency" : directory.agency((String) e[1])
                            .map(Directory.Agency::name).orElse((String) e[1]);
                    yield new Described("Escalation to " + agency + (call != null ? " from the " + call(call) : ""),
                            null, call);
                }
                case "callback_task" -> {
                    UUID call = taskCalls.get(id);
                    yield new Described("Callback task for the " + call(call), null, call);
                }
                case "caller_flag" -> {
                    if (id == null) {
                        yield new Described("The caller flags in force on a ringing call", null, null);
                    }
                    UUID call = flagCalls.get(id);
                    // Not its kind (abusive, high risk): that is said of the caller.
                    yield new Described("Caller flag set on the " + call(call), null, call);
                }
                case "app_user" -> new Described("Account of " + orUnknown(namesById.get(entityId)), null, null);
                case "operator_presence" -> new Described("Availability of " + orUnknown(namesById.get(entityId)),
                        null, null);
                case "second_factor" -> new Described("Second factors of " + personName(entityId), null, null);
                case "floor_report" -> new Described("Floor report (" + entityId + ")", null, null);
                case "call_log" -> new Described("The call log: " + entityId, null, null);
                case TrailApi.ENTITY -> new Described("The audit trail: " + filterWords(entityId), null, null);
                default -> new Described(Labels.of(null, entity), null, null);
            };
        }

        private String caseOf(UUID source) {
            String caseId = sourceCases.get(source);
            return caseId == null ? null : caseReferences.get(UUID.fromString(caseId));
        }

        /** A call by its time and line, as the call log shows it; a recorded contact or a callback by its time. */
        String call(UUID id) {
            CallFacts c = id == null ? null : calls.get(id);
            if (c == null) {
                return "call no longer stored";
            }
            String at = time.format(c.arrivedAt());
            return switch (c.direction()) {
                case "OFFLINE" -> "contact recorded at " + at;
                case "CALLBACK" -> "callback at " + at;
                default -> "call at " + at + " on the line " + c.line();
            };
        }

        String field(String entity, String field) {
            String[] parts = field.split(":");
            List<String> words = new ArrayList<>();
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                UUID id = uuid(part).orElse(null);
                if (id != null) {
                    words.add(calls.containsKey(id) ? "the " + call(id) : flagCalls.containsKey(id) ? "a caller flag"
                            : "another record");
                } else if (i == 0) {
                    words.add(label(entity, part));
                } else {
                    words.add(label(entity, part).toLowerCase(Locale.ROOT));
                }
            }
            if (words.size() == 1) {
                return words.get(0);
            }
            return words.get(0) + ": " + String.join(", ", words.subList(1, words.size()));
        }

        private String filterWords(String described) {
            if (described.equals("everything")) {
                return "everything";
            }
            List<String> words = new ArrayList<>();
            for (String part : described.split("&")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = part.substring(0, eq);
                String value = part.substring(eq + 1);
                words.add(switch (name) {
                    case "person" -> "person " + value;
                    case "case" -> "case " + value;
                    case "call" -> "one call";
                    case "action" -> "action " + TrailAction.valueOf(value).words.toLowerCase(Locale.ROOT);
                    case "from" -> "from " + value;
                    case "to" -> "to " + value;
                    default -> name;
                });
            }
            return "filtered by " + String.join(", ", words);
        }
    }

    private String label(String entity, String name) {
        Map<String, String> form = formLabels.get(entity);
        if (form != null && form.containsKey(name)) {
            return form.get(name);
        }
        return Labels.of("field", name);
    }

    private static Map<String, String> labels(Collection<FormField> fields) {
        Map<String, String> labels = new HashMap<>();
        for (FormField f : fields) {
            labels.put(f.name(), f.label());
        }
        return labels;
    }

    private static Collection<UUID> of(Map<String, Set<UUID>> ids, String entity) {
        return ids.getOrDefault(entity, Set.of());
    }

    private static java.util.Optional<UUID> uuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches() ? java.util.Optional.of(UUID.fromString(text))
                : java.util.Optional.empty();
    }

    private static java.util.Optional<Long> number(String text) {
        return text != null && text.matches("[0-9]{1,18}") ? java.util.Optional.of(Long.parseLong(text))
                : java.util.Optional.empty();
    }

    private static String inCase(String reference) {
        return reference == null ? "" : " (case " + reference + ")";
    }

    private static String orUnknown(String s) {
        return s == null ? "(no longer stored)" : s;
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
