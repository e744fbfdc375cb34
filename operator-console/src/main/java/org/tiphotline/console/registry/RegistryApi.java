package org.tiphotline.console.registry;

import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.web.Actors;
import org.tiphotline.intake.FormField;
import org.tiphotline.intake.RefusedValueKept;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;
import org.tiphotline.registry.CaseForm;
import org.tiphotline.registry.CaseId;
import org.tiphotline.registry.CaseStatus;
import org.tiphotline.registry.Documents;
import org.tiphotline.registry.Duplicates;
import org.tiphotline.registry.FieldConflict;
import org.tiphotline.registry.Registry;
import org.tiphotline.registry.SourceReports;

/**
 * Registry cases over HTTP, for data managers and the data management leader only (the URL rules say so, and the
 * registry refuses anyone else again). What a data manager may read or change of each case the registry decides.
 * Typed text the standard format refuses is answered 400 and kept with the case ({@code "kept": true}).
 */
@RestController
@RequestMapping("/api")
class RegistryApi {

    /**
     * {@code version}: the field's version the value was typed over (from the case's {@code fieldVersions}); when
     * the field changed since, the answer is 409 with the value stored now. Absent: not checked.
     */
    record FieldValue(Object value, Integer version) {}

    record StatusChange(String status, String note) {}

    /** {@code to}: the user name of a data manager. */
    record Assignment(String to) {}

    record ConsentAnswer(String question, Boolean answer, String askedBy, String askedOn) {}

    /** {@code into}: the case that carries on; {@code note}: why they are the same case. */
    record Merge(String into, String note) {}

    record Relation(String other, String reason) {}

    /** {@code to}: the case the report belongs to instead, by id or by reference; {@code note}: why. */
    record MoveSource(String to, String note) {}

    private final Registry registry;
    private final Duplicates duplicates;
    private final Documents documents;
    private final SourceReports sourceReports;
    private final CaseForm form;
    private final Operators operators;
    private final Actors actors;

    RegistryApi(Registry registry, Duplicates duplicates, Documents documents, SourceReports sourceReports,
            CaseForm form, Operators operators, Actors actors) {
        this.documents = documents;
        this.sourceReports = sourceReports;
        this.registry = registry;
        this.duplicates = duplicates;
        this.form = form;
        this.operators = operators;
        this.actors = actors;
    }

    @GetMapping("/forms/case")
    Collection<FormField> caseForm() {
        return form.fields();
    }

    /**
     * Cases newest first; with {@code reference} (a case number, or the R-/S- code a reporter quotes) only the case
     * it names, or none.
     */
    @GetMapping("/cases")
    List<Registry.Summary> list(@RequestParam(required = false) String status,
            @RequestParam(required = false) String reference, Principal principal) {
        if (reference != null) {
            return registry.find(actors.of(principal), reference).map(List::of).orElse(List.of());
        }
        CaseStatus filter = status == null || status.isBlank() ? null : parse(status);
        return registry.list(actors.of(principal), filter, 200);
    }

    /** The data managers (and leaders) a case can be assigned to, by name: chosen from a list, never typed. */
    @GetMapping("/cases/assignees")
    List<Registry.DataManager> assignees(Principal principal) {
        return registry.dataManagers(actors.of(principal));
    }

    @GetMapping("/cases/{id}")
    Map<String, Object> one(@PathVariable String id, Principal principal) {
        CaseId caseId = CaseId.parse(id);
        return withRelated(registry.view(caseId, actors.of(principal)));
    }

    /** The cases this one may be the same as, with the reasons. */
    @GetMapping("/cases/{id}/candidates")
    List<Duplicates.Candidate> candidates(@PathVariable String id, Principal principal) {
        return duplicates.candidates(CaseId.parse(id), actors.of(principal));
    }

    @PostMapping("/cases/{id}/merge")
    Map<String, Object> merge(@PathVariable String id, @RequestBody Merge body, Principal principal) {
        Actor actor = actors.of(principal);
        CaseId into = CaseId.parse(body.into() == null ? "" : body.into());
        duplicates.merge(CaseId.parse(id), into, body.note(), actor);
        return withRelated(registry.view(into, actor));
    }

    @PostMapping("/cases/{id}/relate")
    Map<String, Object> relate(@PathVariable String id, @RequestBody Relation body, Principal principal) {
        Actor actor = actors.of(principal);
        CaseId caseId = CaseId.parse(id);
        duplicates.relate(caseId, CaseId.parse(body.other() == null ? "" : body.other()), body.reason(), actor);
        return withRelated(registry.view(caseId, actor));
    }

    /** What an online or screening report of the case said (a hotline report is at /api/reports/{id}). */
    @GetMapping("/cases/{id}/sources/{report}")
    SourceReports.Report source(@PathVariable String id, @PathVariable String report, Principal principal) {
        java.util.UUID reportId;
        try {
            reportId = java.util.UUID.fromString(report);
        } catch (IllegalArgumentException e) {
            throw new org.tiphotline.registry.CaseNotFound("this case has no such report");
        }
        return sourceReports.read(CaseId.parse(id), reportId, actors.of(principal));
    }

    /** One report of this case belongs to another case: it moves there, both histories saying so. */
    @PostMapping("/cases/{id}/sources/{report}/move")
    Map<String, Object> moveSource(@PathVariable String id, @PathVariable String report, @RequestBody MoveSource body,
            Principal principal) {
        Actor actor = actors.of(principal);
        java.util.UUID reportId;
        try {
            reportId = java.util.UUID.fromString(report);
        } catch (IllegalArgumentException e) {
            throw new org.tiphotline.registry.CaseNotFound("this case has no such report");
        }
        String to = body.to() == null ? "" : body.to().strip();
        CaseId target = to.matches("[0-9a-fA-F-]{36}") ? CaseId.parse(to)
                : registry.find(actor, to).map(Registry.Summary::id)
                        .orElseThrow(() -> new org.tiphotline.registry.CaseNotFound("no case has this reference"));
        CaseId caseId = CaseId.parse(id);
        duplicates.moveSource(caseId, reportId, target, body.note(), actor);
        return withRelated(registry.view(caseId, actor));
    }

    /** A document for the case: the raw file as the body, its type as Content-Type. */
    @PostMapping("/cases/{id}/documents")
    @org.springframework.web.bind.annotation.ResponseStatus(org.springframework.http.HttpStatus.CREATED)
    Documents.Document attach(@PathVariable String id, @RequestParam String kind,
            @org.springframework.web.bind.annotation.RequestHeader(value = "Content-Type", required = false)
            String contentType, @RequestBody byte[] content, Principal principal) {
        Documents.Kind k;
        try {
            k = Documents.Kind.valueOf(kind.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kind must be one of " + java.util.Arrays.toString(
                    Documents.Kind.values()));
        }
        return documents.attach(CaseId.parse(id), k, contentType, content, actors.of(principal));
    }

    @GetMapping("/cases/{id}/documents")
    List<Documents.Document> documents(@PathVariable String id, Principal principal) {
        return documents.list(CaseId.parse(id), actors.of(principal));
    }

    /** The file itself, offered for saving, never shown in the page (no sniffing, no caching). */
    @GetMapping("/cases/{id}/documents/{document}")
    org.springframework.http.ResponseEntity<byte[]> download(@PathVariable String id, @PathVariable String document,
            Principal principal) {
        java.util.UUID documentId;
        try {
            documentId = java.util.UUID.fromString(document);
        } catch (IllegalArgumentException e) {
            throw new org.tiphotline.registry.CaseNotFound("this case has no such document");
        }
        Documents.Download d = documents.download(CaseId.parse(id), documentId, actors.of(principal));
        return org.springframework.http.ResponseEntity.ok()
                .contentType(org.springframework.http.MediaType.parseMediaType(d.document().mediaType()))
                .header("Content-Disposition", "attachment; filename=\"" + d.fileName() + "\"")
                .header("Cache-Control", "no-store")
                .body(d.content());
    }

    private Map<String, Object> withRelated(Registry.RegistryCase c) {
        return Map.of("case", c, "related", duplicates.related(c.id()).entrySet().stream()
                .map(e -> Map.of("id", e.getKey(), "reference", e.getValue())).toList());
    }

    @GetMapping("/cases/{id}/history")
    List<Registry.Event> history(@PathVariable String id, Principal principal) {
        return registry.history(CaseId.parse(id), actors.of(principal));
    }

    @PutMapping("/cases/{id}/fields/{field}")
    Map<String, Object> saveField(@PathVariable String id, @PathVariable String field, @RequestBody FieldValue body,
            Principal principal) {
        Registry.Saved saved = registry.saveField(CaseId.parse(id), actors.of(principal), field,
                body == null ? null : body.value(), body == null ? null : body.version());
        return Map.of("version", saved.version(), "fieldVersion", saved.fieldVersion());
    }

    /** Both values for the page to show: the one stored now (and its version) beside the one just typed. */
    @org.springframework.web.bind.annotation.ExceptionHandler(FieldConflict.class)
    org.springframework.http.ResponseEntity<Map<String, Object>> conflict(FieldConflict e) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("message", e.getMessage());
        body.put("field", e.field());
        body.put("current", e.current() instanceof LocalDate d ? d.toString() : e.current());
        body.put("version", e.version());
        return org.springframework.http.ResponseEntity.status(org.springframework.http.HttpStatus.CONFLICT)
                .body(body);
    }

    /** Refused, and what was typed is kept with the case: a reload shows it back in its field with this reason. */
    @org.springframework.web.bind.annotation.ExceptionHandler(RefusedValueKept.class)
    org.springframework.http.ResponseEntity<Map<String, Object>> refusedButKept(RefusedValueKept e) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", "invalid_field");
        body.put("message", "some fields are not valid; what was typed is kept with the case");
        body.put("fields", e.problems());
        body.put("kept", true);
        return org.springframework.http.ResponseEntity.badRequest().body(body);
    }

    @PostMapping("/cases/{id}/status")
    Map<String, Object> status(@PathVariable String id, @RequestBody StatusChange body, Principal principal) {
        Actor actor = actors.of(principal);
        CaseId caseId = CaseId.parse(id);
        registry.changeStatus(caseId, body.status() == null ? null : parse(body.status()), body.note(), actor);
        return withRelated(registry.view(caseId, actor));
    }

    @PostMapping("/cases/{id}/assign")
    Map<String, Object> assign(@PathVariable String id, @RequestBody Assignment body, Principal principal) {
        Actor actor = actors.of(principal);
        CaseId caseId = CaseId.parse(id);
        var assignee = operators.byUsername(body.to() == null ? "" : body.to())
                .orElseThrow(() -> new IllegalArgumentException("no user '" + body.to() + "'"));
        registry.assign(caseId, assignee.id(), actor);
        return withRelated(registry.view(caseId, actor));
    }

    @PostMapping("/cases/{id}/consent")
    Map<String, Object> consent(@PathVariable String id, @RequestBody ConsentAnswer body, Principal principal) {
        Actor actor = actors.of(principal);
        CaseId caseId = CaseId.parse(id);
        LocalDate askedOn;
        try {
            askedOn = body.askedOn() == null ? null : LocalDate.parse(body.askedOn());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("askedOn must be written as YYYY-MM-DD");
        }
        registry.recordConsent(caseId, body.question(), body.answer(), body.askedBy(), askedOn, actor);
        return withRelated(registry.view(caseId, actor));
    }

    private static CaseStatus parse(String status) {
        try {
            return CaseStatus.valueOf(status.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of " + java.util.Arrays.toString(
                    CaseStatus.values()));
        }
    }
}
