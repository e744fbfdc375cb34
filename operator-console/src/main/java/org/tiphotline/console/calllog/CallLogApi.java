package org.tiphotline.console.calllog;

import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.calllog.CallLog;
import org.tiphotline.calls.CallId;
import org.tiphotline.calls.CallOutcome;
import org.tiphotline.console.web.Actors;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.operators.Operators;
import org.tiphotline.routing.RoutingView;

/** The call log with filters and keyset paging, a call's detail, the operators list and the live queue. */
@RestController
@RequestMapping("/api")
class CallLogApi {

    /** {@code next} in the cursor's own text form, which {@code cursor=} takes back as it is. */
    record PageBody(List<CallLog.Row> rows, String next) {}

    private final CallLog log;
    private final Operators operators;
    private final RoutingView routing;
    private final Actors actors;

    CallLogApi(CallLog log, Operators operators, RoutingView routing, Actors actors) {
        this.log = log;
        this.operators = operators;
        this.routing = routing;
        this.actors = actors;
    }

    /**
     * Dates are whole days (UTC): {@code from} inclusive, {@code to} inclusive. {@code caller}: a phone number
     * written any way (supervisors only; the search is audited, the number is neither kept nor logged).
     */
    @GetMapping("/calllog")
    PageBody page(@RequestParam(required = false) LocalDate from, @RequestParam(required = false) LocalDate to,
            @RequestParam(required = false) CallOutcome outcome, @RequestParam(required = false) Long operator,
            @RequestParam(required = false) String caller, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit, Principal principal) {
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("'to' is before 'from'");
        }
        CallLog.Filter filter = new CallLog.Filter(start(from), to == null ? null : start(to.plusDays(1)), outcome,
                operator == null ? null : new OperatorId(operator),
                caller == null || caller.isBlank() ? null : caller);
        CallLog.Page page = log.page(actors.of(principal), filter,
                cursor == null || cursor.isBlank() ? null : CallLog.Cursor.parse(cursor), limit);
        return new PageBody(page.rows(), page.next() == null ? null : page.next().toString());
    }

    @GetMapping("/calllog/{id}")
    CallLog.Detail detail(@PathVariable String id, Principal principal) {
        return log.detail(actors.of(principal), CallId.parse(id));
    }

    @GetMapping("/operators")
    List<Map<String, Object>> operators() {
        return operators.all().stream()
                .map(op -> Map.<String, Object>of("id", op.id().value(), "name", op.displayName(), "role", op.role()))
                .toList();
    }

    @GetMapping("/live/queue")
    RoutingView.Snapshot queue() {
        return routing.snapshot();
    }

    private static Instant start(LocalDate day) {
        return day == null ? null : day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
