package org.tiphotline.console.intake;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calls.Call;
import org.tiphotline.calls.Calls;
import org.tiphotline.console.escalation.EscalationView;
import org.tiphotline.console.web.Actors;
import org.tiphotline.escalation.Escalations;
import org.tiphotline.intake.FieldChangedMeanwhile;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;
import org.tiphotline.intake.HotlineReport;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.RefusedValueKept;
import org.tiphotline.intake.ReportId;
import org.tiphotline.intake.SavedField;
import org.tiphotline.registry.CaseSource;
import org.tiphotline.registry.Registry;

/**
 * The operator's form. Each field is saved on its own ({@code PUT .../fields/{name}}) as the operator types,
 * and the answer carries the report's new version and the field's: the console shows "saved" only for what the
 * server has committed, so what it shows as saved survives a closed tab or a restarted server. A save from a stale
 * copy of the field (a second tab) is answered 409 with the stored value, so the operator keeps one of the two
 * knowingly; a refused value is answered 400 and kept with the draft ({@code "kept": true}).
 */
@RestController
@RequestMapping("/api")
class ReportApi {

    /**
     * The value as JSON: text, number, true/false, a list of codes, or null to clear the field; {@code version}: the
     * field version the operator's copy started from (the report's {@code fieldVersions}, 0 for a field never
     * saved). Without it the value is saved over whatever is stored.
     */
    record FieldValue(Object value, Integer version) {}

    /** A field of the form as the console renders it, with whether the report can be submitted without it. */
    record FieldDefinition(String name, String section, String label, FormField.Kind kind, List<String> codes,
            boolean personal, int maxLength, int min, boolean required) {}

    /**
     * The submitted report, and the case it became when the operator may be told: {@code caseNumbering} is
     * {@code NEW} (a new case, {@code caseReference} its number), {@code BY_CALLERS_REFERENCE} (the caller gave an
     * earlier reference: the registry joins the case it names, and whether one exists is not told here, for either
     * answer) or {@code NOT_YET} (the registry receives it within a minute; no number yet).
     */
    record SubmittedReport(@JsonUnwrapped HotlineReport report, String caseReference, String caseNumbering) {}

    private final Intake intake;
    private final HotlineForm form;
    private final Calls calls;
    private final Actors actors;
    private final Escalations escalations;
    private final Registry registry;

    ReportApi(Intake intake, HotlineForm form, Calls calls, Actors actors, Escalations escalations,
            Registry registry) {
        this.registry = registry;
        this.escalations = escalations;
        this.intake = intake;
        this.form = form;
        this.calls = calls;
        this.actors = actors;
    }

    @GetMapping("/forms/hotline")
    List<FieldDefinition> definition() {
        return form.fields().stream().map(f -> new FieldDefinition(f.name(), f.section(), f.label(), f.kind(),
                f.codes(), f.personal(), f.maxLength(), f.min(), form.required(f.name()))).toList();
    }

    @GetMapping("/reports/drafts")
    List<Intake.DraftSummary> drafts(Principal principal) {
        return intake.drafts(actors.of(principal));
    }

    /** The report with the call it belongs to (masked number, IVR answers, state), for the form's header. */
    @GetMapping("/reports/{id}")
    Map<String, Object> report(@PathVariable String id, Principal principal) {
        HotlineReport report = intake.view(ReportId.parse(id), actors.of(principal));
        Call call = calls.load(report.call()).orElseThrow();
        Map<String, Object> callView = new LinkedHashMap<>();
        callView.put("id", call.id());
        callView.put("provider", call.ref().provider());
        callView.put("providerCallId", call.ref().providerCallId());
        callView.put("callerMask", call.callerMask());
        callView.put("language", call.language());
        callView.put("urgent", call.urgent());
        callView.put("callerType", call.callerType());
        callView.put("ivrPath", call.ivrPath());
        callView.put("state", call.state());
        callView.put("quietMode", call.quietMode());
        callView.put("earlierContacts", calls.earlierContacts(call.id()));
        // The report's record of what was escalated and what the agencies did (codes; notes are read one by one).
        List<Map<String, Object>> escalated = escalations.about(call.id(), report.id()).stream()
                .map(EscalationView::of).toList();
        return Map.of("report", report, "call", callView, "escalations", escalated);
    }

    @PutMapping("/reports/{id}/fields/{field}")
    Map<String, Object> saveField(@PathVariable String id, @PathVariable String field,
            @RequestBody FieldValue body, Principal principal) {
        SavedField saved = intake.saveField(ReportId.parse(id), actors.of(principal), field, body.value(),
                body.version());
        return Map.of("field", field, "version", saved.version(), "fieldVersion", saved.fieldVersion());
    }

    /** Idempotent: submitting a submitted report again answers as the first submission did. */
    @PostMapping("/reports/{id}/submit")
    SubmittedReport submit(@PathVariable String id, Principal principal) {
        ReportId report = ReportId.parse(id);
        HotlineReport submitted = intake.submit(report, actors.of(principal));
        if (intake.earlierReference(report).isPresent()) {
            return new SubmittedReport(submitted, null, "BY_CALLERS_REFERENCE");
        }
        // The registry receives the report as it is submitted (the event is handled before this line), or its
        // sweep does a little later.
        return registry.caseOf(new CaseSource.Hotline(report.value()))
                .map(c -> new SubmittedReport(submitted, c.reference(), "NEW"))
                .orElseGet(() -> new SubmittedReport(submitted, null, "NOT_YET"));
    }

    /** The other value stays the operator's to see: they are the one person who may read this report's fields. */
    @ExceptionHandler(FieldChangedMeanwhile.class)
    ResponseEntity<Map<String, Object>> changedMeanwhile(FieldChangedMeanwhile e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "conflict");
        body.put("message", e.getMessage());
        body.put("field", e.field());
        body.put("current", e.current());
        body.put("fieldVersion", e.fieldVersion());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
    }

    @ExceptionHandler(RefusedValueKept.class)
    ResponseEntity<Map<String, Object>> refusedButKept(RefusedValueKept e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid_field");
        body.put("message", "some fields are not valid; what was typed is kept with the draft");
        body.put("fields", e.problems());
        body.put("kept", true);
        return ResponseEntity.badRequest().body(body);
    }
}
