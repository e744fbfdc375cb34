package org.tiphotline.console.states;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.operators.Operator;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.routing.AwayReason;
import org.tiphotline.routing.Router;
import org.tiphotline.routing.RoutingView;
import org.tiphotline.routing.StateLog;

/**
 * Operators' states (issue 20), staff data only (names, states, times; nothing of any caller):
 * <ul>
 * <li>{@code POST /api/operator-states/{operator}/away} {@code {"reason": "MEETING"}}: a supervisor sets an
 * operator away. Audited in the routing decision's transaction; 409 with words while the operator rings or
 * talks; the operator's console is told who set them away and why.</li>
 * <li>{@code GET /api/operator-states?day=2026-12-07} or {@code ?from=2026-12-07T06:00&to=2026-12-07T14:00} (the
 * jurisdiction's local time, DST-safe): who was in which state when, per operator, from the state log. Supervisors
 * and administrators.</li>
 * </ul>
 */
@RestController
@RequestMapping("/api/operator-states")
class OperatorStatesApi {

    /** The longest window one report covers: a month of shifts is already a long page. */
    private static final Duration LONGEST = Duration.ofDays(31);

    record AwayRequest(String reason) {}

    private final Router router;
    private final RoutingView routing;
    private final Operators operators;
    private final AuditTrail audit;
    private final StateLog log;
    private final ZoneId zone;

    OperatorStatesApi(Router router, RoutingView routing, Operators operators, AuditTrail audit, StateLog log,
            JurisdictionSettings jurisdiction) {
        this.router = router;
        this.routing = routing;
        this.operators = operators;
        this.audit = audit;
        this.log = log;
        this.zone = ZoneId.of(jurisdiction.timeZone());
    }

    @PostMapping("/{operator}/away")
    Map<String, Object> setAway(@PathVariable long operator, @RequestBody(required = false) AwayRequest request,
            Principal principal) {
        if (request == null || request.reason() == null || request.reason().isBlank()) {
            throw new IllegalArgumentException("say why the operator is away: reason is one of BREAK, TRAINING, "
                    + "MEETING, OTHER");
        }
        AwayReason reason;
        try {
            reason = AwayReason.valueOf(request.reason());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("reason must be one of BREAK, TRAINING, MEETING, OTHER");
        }
        Operator who = operators.byId(new OperatorId(operator)).filter(o -> o.role() == Role.OPERATOR)
                .orElseThrow(() -> new IllegalArgumentException("no operator " + operator + " takes calls here"));
        Operator supervisor = operators.byUsername(principal.getName()).orElseThrow();
        router.setAwayBySupervisor(who.id(), reason, supervisor.id().value(), before -> audit.record(
                supervisor.username(), AuditTrail.Action.CHANGE, "operator_presence", who.id().value(),
                List.of("presence", "away_reason"), Map.of("presence", Map.of("before", before.name(), "after",
                        "AWAY"), "away_reason", Map.of("after", reason.name()))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operator", who.id().value());
        body.put("name", who.displayName());
        body.put("presence", routing.presence(who.id()));
        body.put("reason", reason);
        return body;
    }

    @GetMapping
    @Transactional(readOnly = true)
    Map<String, Object> report(@RequestParam(required = false) LocalDate day,
            @RequestParam(required = false) LocalDateTime from, @RequestParam(required = false) LocalDateTime to) {
        Instant start;
        Instant end;
        if (day != null && from == null && to == null) {
            start = day.atStartOfDay(zone).toInstant();
            end = day.plusDays(1).atStartOfDay(zone).toInstant();
        } else if (day == null && from != null && to != null) {
            start = from.atZone(zone).toInstant();
            end = to.atZone(zone).toInstant();
        } else {
            throw new IllegalArgumentException("give either 'day' or both 'from' and 'to'");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a report covers 31 days at most");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", start);
        body.put("to", end);
        body.put("timeZone", zone.getId());
        body.put("operators", log.between(start, end));
        return body;
    }
}
