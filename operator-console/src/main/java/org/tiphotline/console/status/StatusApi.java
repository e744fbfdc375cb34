package org.tiphotline.console.status;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.jooq.DSLContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.database.ConnectedRole;
import org.tiphotline.protection.AuditChainCheck;
import org.tiphotline.protection.KeyRing;
import org.tiphotline.protection.rotation.KeyRotation;
import org.tiphotline.signin.SignInEvents;
import org.tiphotline.signin.SignInSettings;
import org.tiphotline.telephony.TelephonyStatus;

/**
 * The administrators' system status (ADMIN only, by WebSecurity): telephony links as each adapter reports them,
 * the database (and the role the application connects as), alert channels with their last failure, the protection
 * keys' ids and where their rotation stands, where the audit trail's sealing stands, and repeated sign-in failures.
 * Nothing about callers or victims; no key material; no alert targets.
 */
@RestController
class StatusApi {

    private final List<TelephonyStatus> telephony;
    private final DSLContext db;
    private final AlertChannelHealth alerts;
    private final KeyRing keys;
    private final SignInEvents signIns;
    private final SignInSettings signInSettings;
    private final Clock clock;
    private final Flyway flyway;
    private final ConnectedRole role;
    private final AuditChainCheck auditChain;
    private final KeyRotation rotation;

    StatusApi(List<TelephonyStatus> telephony, DSLContext db, AlertChannelHealth alerts, KeyRing keys,
            SignInEvents signIns, SignInSettings signInSettings, Clock clock, Flyway flyway, ConnectedRole role,
            AuditChainCheck auditChain, KeyRotation rotation) {
        this.flyway = flyway;
        this.role = role;
        this.auditChain = auditChain;
        this.rotation = rotation;
        this.telephony = telephony;
        this.db = db;
        this.alerts = alerts;
        this.keys = keys;
        this.signIns = signIns;
        this.signInSettings = signInSettings;
        this.clock = clock;
    }

    @GetMapping("/api/admin/status")
    Map<String, Object> status() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", clock.instant());
        List<TelephonyStatus.Link> links = new ArrayList<>();
        telephony.forEach(adapter -> links.addAll(adapter.links()));
        body.put("telephony", links);
        body.put("database", database());
        body.put("alertChannels", alerts.channels());
        body.put("keys", Map.of("ids", keys.keyIds(), "active", keys.activeKeyId(), "hashIds", keys.hashKeyIds(),
                "activeHash", keys.activeHashKeyId()));
        body.put("keyRotation", rotation.report());
        body.put("auditChain", auditChain());
        Duration window = signInSettings.forgetAfter();
        body.put("signInFailures", Map.of("window", window.toString(),
                "atLeast", signInSettings.alertAfter(),
                "byUsername", signIns.repeatedByUsername(window, signInSettings.alertAfter()),
                "byAddress", signIns.repeatedByAddress(window, signInSettings.alertAfter())));
        return body;
    }

    /** Where the audit trail's sealing stands; the full check is the button's (AuditCheckApi). */
    private Map<String, Object> auditChain() {
        try {
            AuditChainCheck.Progress progress = auditChain.progress();
            Map<String, Object> chain = new LinkedHashMap<>();
            chain.put("lastEntry", progress.lastEntry());
            chain.put("lastSealedAt", progress.lastSealedAt());
            chain.put("waiting", progress.waiting());
            return chain;
        } catch (RuntimeException e) {
            return Map.of("unknown", true);
        }
    }

    private Map<String, Object> database() {
        try {
            db.selectOne().fetch();
            MigrationInfo current = flyway.info().current();
            ConnectedRole.Role connected = role.current();
            Map<String, Object> up = new LinkedHashMap<>();
            up.put("up", true);
            up.put("schemaVersion", current == null ? "unknown" : current.getVersion().toString());
            // The role's name, never its password; and whether it is least privileged (docs/operations.md).
            up.put("role", connected.name());
            up.put("leastPrivilege", connected.leastPrivilege());
            if (!connected.leastPrivilege()) {
                up.put("roleProblem", connected.problem());
            }
            return up;
        } catch (RuntimeException e) {
            return Map.of("up", false, "detail", "the database does not answer");
        }
    }
}
