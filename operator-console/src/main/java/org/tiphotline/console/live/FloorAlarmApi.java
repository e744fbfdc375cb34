package org.tiphotline.console.live;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.routing.UrgentCallAlarm;

/**
 * The alarms standing now (urgent calls waiting with nobody available), for a supervisor's page opened after
 * they were raised; later ones and their end come over the live channel. Reviewers only (WebSecurity,
 * {@code /api/live/**}); nothing personal in them.
 */
@RestController
class FloorAlarmApi {

    private final UrgentCallAlarm alarm;

    FloorAlarmApi(UrgentCallAlarm alarm) {
        this.alarm = alarm;
    }

    @GetMapping("/api/live/alarms")
    List<UrgentCallAlarm.Raised> open() {
        return alarm.open();
    }
}
