package org.tiphotline.console.escalation;

import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.escalation.AcknowledgementLinks;
import org.tiphotline.escalation.Escalation;
import org.tiphotline.escalation.Escalations;

/**
 * Where an alert's signed link lands. Opening it only shows a button: mail scanners and link previews open
 * links, and must not acknowledge anything; pressing it (a POST with the same signed values) does. Nothing
 * about the case is shown: the link proves only that someone at the agency received the alert.
 */
@RestController
class AcknowledgementPage {

    private final AcknowledgementLinks links;
    private final Escalations escalations;

    AcknowledgementPage(AcknowledgementLinks links, Escalations escalations) {
        this.links = links;
        this.escalations = escalations;
    }

    @GetMapping(path = "/ack/{id}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> show(@PathVariable String id, @RequestParam String agency, @RequestParam long expires,
            @RequestParam String sig) {
        Escalation.Id escalation = parse(id);
        ResponseEntity<String> refused = refusal(escalation, agency, expires, sig);
        if (refused != null) {
            return refused;
        }
        return page(HttpStatus.OK, "Acknowledge this escalation?",
                "<form method=\"post\" action=\"/ack/" + escalation + "\">"
                        + "<input type=\"hidden\" name=\"agency\" value=\"" + agency + "\">"
                        + "<input type=\"hidden\" name=\"expires\" value=\"" + expires + "\">"
                        + "<input type=\"hidden\" name=\"sig\" value=\"" + sig + "\">"
                        + "<button type=\"submit\">Acknowledge: we have received it and are acting on it</button>"
                        + "</form>");
    }

    @PostMapping(path = "/ack/{id}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> acknowledge(@PathVariable String id, @RequestParam String agency,
            @RequestParam long expires, @RequestParam String sig) {
        Escalation.Id escalation = parse(id);
        ResponseEntity<String> refused = refusal(escalation, agency, expires, sig);
        if (refused != null) {
            return refused;
        }
        boolean now = escalations.acknowledgeByLink(escalation, agency);
        return page(HttpStatus.OK, now ? "Acknowledged. Thank you." : "It was already acknowledged.",
                "<p>The hotline's operator and supervisors can see it. Record what was done in the liaison view.</p>");
    }

    private ResponseEntity<String> refusal(Escalation.Id id, String agency, long expires, String sig) {
        if (id == null || escalations.find(id).isEmpty()) {
            return page(HttpStatus.NOT_FOUND, "No such escalation.", "");
        }
        return switch (links.check(id, agency, expires, sig)) {
            case VALID -> null;
            case EXPIRED -> page(HttpStatus.GONE, "This link has expired.",
                    "<p>Acknowledge it in the liaison view, or call the hotline.</p>");
            case FORGED -> page(HttpStatus.FORBIDDEN, "This link is not valid.", "");
        };
    }

    private static Escalation.Id parse(String id) {
        try {
            return new Escalation.Id(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
        // Only fixed text, UUIDs and values whose signature was checked reach the page.
        return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML).header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .body("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hotline</title>"
                        + "<link rel=\"stylesheet\" href=\"/css/app.css\"></head><body><main><h1>" + title + "</h1>"
                        + body + "</main></body></html>");
    }
}
