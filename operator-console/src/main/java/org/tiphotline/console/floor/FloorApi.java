package org.tiphotline.console.floor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.floor.Floor;
import org.tiphotline.floor.FloorAlerts;
import org.tiphotline.floor.FloorInterval;

/**
 * {@code GET /api/floor?interval=QUARTER|HOUR|SHIFT|DAY} (default QUARTER; {@link FloorAccess#ROLES} only) answers
 * {@link Floor.View}, computed afresh from the database:
 * <pre>
 * { "now": { "at": instant, "waiting": n, "urgentWaiting": n, "longestWaitingSince": instant|null,
 *            "longestWaitSeconds": n, "inIvr": n,
 *            "operators": [ { "operator": id, "name": display name, "presence": AVAILABLE|RINGING|ON_CALL|WRAP_UP|
 *                             AWAY|PHONE_NOT_CONNECTED (words: /api/labels, code.*), "since": instant,
 *                             "awayReason": BREAK|TRAINING|MEETING|OTHER when away (words: away.*) } ] },
 *   "interval": { "kind": QUARTER|HOUR|SHIFT|DAY, "from": instant, "to": instant (exclusive), "label": text,
 *     "figures": { "offered", "answered", "abandonedInIvr", "abandonedInQueue", "abandonedRinging",
 *                  "shortAbandons", "handedOver", "lost", "waiting": counts,
 *                  "shortAbandonSeconds": the short-abandon limit these figures count by,
 *                  "serviceLevelFirst", "serviceLevelSecond": { "thresholdSeconds", "target" (percent),
 *                      "within", "counted", "percent" (one decimal, null when nothing counted),
 *                      "meetsTarget" },
 *                  "averageSpeedOfAnswerMs", "speedOfAnswerP90Ms", "averageHandlingMs": ms or null,
 *                  "escalationsRaised", "escalationsAcknowledgedInTime": counts } } }
 * </pre>
 * What each figure counts (which interval a call belongs to, short abandons, service level) is written in
 * {@link org.tiphotline.floor.FloorFigures}. The live topic {@link FloorAccess#TOPIC} carries {@link Floor.Update}:
 * the same {@code now} and {@code intervals}, a list of the {@code interval} object above for every kind, in the
 * order QUARTER, HOUR, SHIFT, DAY. Names are operators' display names (staff data); nothing about callers.
 */
@RestController
class FloorApi {

    private final Floor floor;
    private final FloorAlerts alerts;

    FloorApi(Floor floor, FloorAlerts alerts) {
        this.floor = floor;
        this.alerts = alerts;
    }

    /**
     * The floor's standing alerts, oldest first: {@code {"alerts": [ {"kind": LONG_WAIT|SERVICE_LEVEL|
     * URGENT_UNATTENDED|ESCALATION_OVERDUE, "words": text to show, "raisedAt", "intervalFrom", "intervalTo"} ]}}.
     * The live topic {@link FloorAccess#ALERTS_TOPIC} carries the same object whenever they change. The words name
     * no one.
     */
    @GetMapping(FloorAccess.ALERTS_API)
    Map<String, List<FloorAlerts.Alert>> alerts() {
        return Map.of("alerts", alerts.standing());
    }

    @GetMapping(FloorAccess.API)
    Floor.View floor(@RequestParam(defaultValue = "QUARTER") String interval) {
        return floor.view(kind(interval));
    }

    private static FloorInterval.Kind kind(String interval) {
        try {
            return FloorInterval.Kind.valueOf(interval.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("interval must be one of "
                    + Arrays.toString(FloorInterval.Kind.values()), e);
        }
    }
}
