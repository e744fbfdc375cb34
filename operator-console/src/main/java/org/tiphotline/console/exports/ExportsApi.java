package org.tiphotline.console.exports;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.web.Actors;
import org.tiphotline.exports.ExportFile;
import org.tiphotline.exports.ExportFormat;
import org.tiphotline.exports.ExportRequestId;
import org.tiphotline.exports.ExportRequests;
import org.tiphotline.exports.HtcdsExport;
import org.tiphotline.registry.CaseStatus;

/**
 * Exports over HTTP, for data managers and the data management leader (the URL rules say so, and the services
 * refuse anyone else again). Files are sent as attachments and never cached.
 */
@RestController
@RequestMapping("/api/exports")
class ExportsApi {

    record NewRequest(List<String> cases, String purpose, String recipient) {}

    record Decision(String note) {}

    private final HtcdsExport export;
    private final ExportRequests requests;
    private final Actors actors;

    ExportsApi(HtcdsExport export, ExportRequests requests, Actors actors) {
        this.export = export;
        this.requests = requests;
        this.actors = actors;
    }

    /** The non-identifying export: {@code ?from=2026-01-01&to=2026-03-31&status=...&format=csv|json}. */
    @GetMapping("/htcds")
    ResponseEntity<byte[]> nonIdentifying(@RequestParam(required = false) String from,
            @RequestParam(required = false) String to, @RequestParam(required = false) String status,
            @RequestParam(required = false) String format, Principal principal) {
        HtcdsExport.Scope scope = new HtcdsExport.Scope(date(from, "from"), date(to, "to"),
                status == null || status.isBlank() ? null : status(status));
        return file(export.nonIdentifying(actors.of(principal), scope, ExportFormat.parse(format)));
    }

    @PostMapping("/requests")
    ResponseEntity<ExportRequests.Request> request(@RequestBody NewRequest body, Principal principal) {
        return ResponseEntity.status(HttpStatus.CREATED).body(requests.request(actors.of(principal), body.cases(),
                body.purpose(), body.recipient()));
    }

    @GetMapping("/requests")
    List<ExportRequests.Request> list(Principal principal) {
        return requests.list(actors.of(principal));
    }

    @GetMapping("/requests/{id}")
    ExportRequests.Request one(@PathVariable String id, Principal principal) {
        return requests.view(actors.of(principal), ExportRequestId.parse(id));
    }

    @PostMapping("/requests/{id}/approve")
    ExportRequests.Request approve(@PathVariable String id, @RequestBody(required = false) Decision body,
            Principal principal) {
        return requests.approve(actors.of(principal), ExportRequestId.parse(id), body == null ? null : body.note());
    }

    @PostMapping("/requests/{id}/reject")
    ExportRequests.Request reject(@PathVariable String id, @RequestBody(required = false) Decision body,
            Principal principal) {
        return requests.reject(actors.of(principal), ExportRequestId.parse(id), body == null ? null : body.note());
    }

    /** The approved identifying export, for its requester: {@code ?format=csv|json}. */
    @GetMapping("/requests/{id}/download")
    ResponseEntity<byte[]> download(@PathVariable String id, @RequestParam(required = false) String format,
            Principal principal) {
        return file(requests.download(actors.of(principal), ExportRequestId.parse(id), ExportFormat.parse(format)));
    }

    private static ResponseEntity<byte[]> file(ExportFile file) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(file.filename(), StandardCharsets.UTF_8).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .contentType(MediaType.parseMediaType(file.contentType()))
                .body(file.content());
    }

    private static LocalDate date(String text, String name) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is required: the " + ("from".equals(name) ? "first"
                    : "last") + " day of the period to export, a date written as YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + name + "' must be written as YYYY-MM-DD");
        }
    }

    private static CaseStatus status(String text) {
        try {
            return CaseStatus.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("status must be one of " + java.util.Arrays.toString(
                    CaseStatus.values()));
        }
    }
}
