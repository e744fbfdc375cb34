package org.tiphotline.console.auditchain;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.protection.AuditChainCheck;
import org.tiphotline.protection.AuditTrail;

/**
 * The administrators' button on the status page (ADMIN only, by WebSecurity): checks the audit trail, its chain and
 * the published heads, and answers in words. The look is itself audited. One check at a time per node: it reads
 * the whole trail.
 */
@RestController
class AuditCheckApi {

    static final String PATH = "/api/admin/audit-check";

    private final AuditChainCheck check;
    private final AuditTrail audit;
    private final TransactionTemplate tx;
    private final AtomicBoolean running = new AtomicBoolean();

    AuditCheckApi(AuditChainCheck check, AuditTrail audit, PlatformTransactionManager transactions) {
        this.check = check;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactions);
    }

    @PostMapping(PATH)
    ResponseEntity<Map<String, Object>> check(Principal admin) {
        if (!running.compareAndSet(false, true)) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "busy",
                    "message", "a check of the audit trail is already running: wait for its answer"));
        }
        try {
            AuditChainCheck.Result result = check.check();
            tx.executeWithoutResult(status -> audit.record(admin.getName(), AuditTrail.Action.READ, "audit_log",
                    "chain", List.of("verification")));
            return ResponseEntity.ok(body(result));
        } finally {
            running.set(false);
        }
    }

    static Map<String, Object> body(AuditChainCheck.Result result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("intact", result.intact());
        body.put("summary", result.summary());
        body.put("problems", result.problems());
        body.put("findings", result.findings().stream().map(f -> {
            Map<String, Object> finding = new LinkedHashMap<>();
            finding.put("problem", f.problem().name());
            finding.put("words", f.words());
            if (f.auditId() != null) {
                finding.put("auditId", f.auditId());
            }
            if (f.entry() != null) {
                finding.put("entry", f.entry());
            }
            return finding;
        }).toList());
        body.put("rowsChecked", result.rowsChecked());
        body.put("lastEntry", result.lastEntry());
        body.put("waiting", result.waiting());
        body.put("headsCompared", result.headsCompared());
        body.put("checkedAt", result.checkedAt());
        return body;
    }
}
