package org.tiphotline.console.trail;

import static org.tiphotline.db.Tables.APP_USER;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.labels.Labels;
import org.tiphotline.protection.AuditTrail;

/**
 * {@code GET /api/trail?person=&case=&call=&action=&from=&to=&cursor=&limit=} answers a page of the trail, newest
 * first: {@code {rows: [{at, person, personName, action, actionWords, record, caseReference, call, fields, changes,
 * address}], next}} ({@code next}: the cursor of the following page, null on the last). {@code GET
 * /api/trail/options} answers what the filters offer: people, actions, the zone of the period's days. A bad filter
 * is a 400 saying which; every look is itself a row of the trail (who looked, with which filter), written in the
 * same transaction as the read. Who may read it: {@link TrailAccess#ROLES}.
 */
@RestController
class TrailApi {

    /** The entity of a look at the trail in the audit log. */
    static final String ENTITY = "audit_trail";
    private static final int MAX_LIMIT = 100;

    record PageBody(List<TrailWords.Row> rows, String next) {}

    private final TrailQuery query;
    private final TrailWords words;
    private final AuditTrail audit;
    private final DSLContext db;
    private final TransactionTemplate reading;

    TrailApi(TrailQuery query, TrailWords words, AuditTrail audit, DSLContext db,
            PlatformTransactionManager transactions) {
        this.query = query;
        this.words = words;
        this.audit = audit;
        this.db = db;
        // The page and the row that records the look commit together, read in one snapshot.
        this.reading = new TransactionTemplate(transactions);
        this.reading.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    @GetMapping(TrailAccess.API)
    ResponseEntity<PageBody> page(@RequestParam(required = false) String person,
            @RequestParam(name = "case", required = false) String caseReference,
            @RequestParam(required = false) String call, @RequestParam(required = false) String action,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String limit,
            Principal principal) {
        TrailFilter filter = TrailFilter.parse(person, caseReference, call, action, from, to);
        TrailQuery.Cursor after = cursor == null || cursor.isBlank() ? null : TrailQuery.Cursor.parse(cursor);
        int size = limit(limit);
        PageBody body = reading.execute(status -> {
            UUID caseId = null;
            if (filter.caseReference() != null) {
                caseId = query.caseId(filter.caseReference()).orElseThrow(() -> new IllegalArgumentException(
                        "no case has the number " + filter.caseReference()));
            }
            if (filter.call() != null && !query.callExists(filter.call())) {
                throw new IllegalArgumentException("no call has the id " + filter.call());
            }
            audit.record(principal.getName(), AuditTrail.Action.READ, ENTITY, filter.described(), filter.used());
            TrailQuery.Page page = query.page(filter, caseId, words.zone(), after, size);
            return new PageBody(words.words(page.entries()), page.next() == null ? null : page.next().toString());
        });
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    @GetMapping(TrailAccess.API + "/options")
    ResponseEntity<Map<String, Object>> options() {
        List<Map<String, String>> people = new ArrayList<>();
        db.select(APP_USER.USERNAME, APP_USER.DISPLAY_NAME, APP_USER.ROLE).from(APP_USER)
                .orderBy(APP_USER.DISPLAY_NAME, APP_USER.USERNAME)
                .forEach(r -> people.add(Map.of("username", r.value1(), "name", r.value2(), "role",
                        Labels.of(null, r.value3()))));
        for (String system : List.of("online-form", "consent-sealing", "bootstrap-command", "system:sim",
                "system:twilio", "system:asterisk", "system:offline",
                org.tiphotline.retention.RetentionBatches.ACTOR)) {
            people.add(Map.of("username", system, "name", TrailWords.systemActor(system), "role", "System"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("people", people);
        body.put("actions", Arrays.stream(TrailAction.values()).map(a -> Map.of("id", a.name(), "name", a.words))
                .toList());
        body.put("zone", words.zone().getId());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return 50;
        }
        try {
            int n = Integer.parseInt(limit.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
