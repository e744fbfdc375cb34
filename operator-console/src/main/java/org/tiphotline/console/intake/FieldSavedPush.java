package org.tiphotline.console.intake;

import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.tiphotline.console.live.EveryTab;
import org.tiphotline.intake.HotlineReport;

/**
 * Tells the operator's own open tabs that a field of their draft was saved, so a second tab shows the stored value
 * without a reload instead of saving over it later. Ids and a version only: a tab that shows the field reads the
 * value through the report read, which is audited.
 */
@Component
class FieldSavedPush {

    private final EveryTab tabs;

    FieldSavedPush(EveryTab tabs) {
        this.tabs = tabs;
    }

    @EventListener
    void on(HotlineReport.FieldSaved saved) {
        tabs.send(saved.operatorUsername(), "/queue/report-fields", Map.of("report", saved.report().toString(),
                "field", saved.field(), "fieldVersion", saved.fieldVersion()));
    }
}
