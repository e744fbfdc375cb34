package org.tiphotline.console.intake;

import java.security.Principal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.HotlineForm;
import org.tiphotline.intake.HotlineReport;
import org.tiphotline.intake.Intake;
import org.tiphotline.intake.ReportId;

/**
 * The operator's form. Each field is saved on its own ({@code PUT .../fields/{name}}) as the operator types,
 * and the answer carries the report's new version: the console shows "saved" only for what the server has
 * committed, so what it shows as saved survives a closed tab or a restarted server.
 */
@RestController
@RequestMapping("/api")
class ReportApi {

    /** The value as JSON: text, number, true/false, a list of codes, or null to clear the field. */
    record FieldValue(Object value) {}

    private final Intake intake;
    private final HotlineForm form;
    private final Calls calls;
    private final Actors actors;
    private final Escalations escalations;

    ReportApi(Intake intake, HotlineForm form, Calls calls, Actors actors, Escalations escalations) {
        this.escalations = escalations;
        this.intake = intake;
        this.form = form;
        this.calls = calls;
        this.actors = actors;
    }

    @GetMapping("/forms/hotline")
    Collection<FormField> definition() {
        return form.fields();
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
        callView.put("earlierContacts", calls.earlierContacts(call.id()));
        // The report's record of what was escalated and what the agencies did (codes; notes are read one by one).
        List<Map<String, Object>> escalated = escalations.about(call.id(), report.id()).stream()
                .map(EscalationView::of).toList();
        return Map.of("report", report, "call", callView, "escalations", escalated);
    }

    @PutMapping("/reports/{id}/fields/{field}")
    Map<String, Object> saveField(@PathVariable String id, @PathVariable String field,
            @RequestBody FieldValue body, Principal principal) {
        int version = intake.saveField(ReportId.parse(id), actors.of(principal), field, body.value());
        return Map.of("field", field, "version", version);
    }

    @PostMapping("/reports/{id}/submit")
    HotlineReport submit(@PathVariable String id, Principal principal) {
        return intake.submit(ReportId.parse(id), actors.of(principal));
    }
}
