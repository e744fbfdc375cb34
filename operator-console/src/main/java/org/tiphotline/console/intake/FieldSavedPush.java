package org.tiphotline.console.intake;

import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessageHeaderAccessor;
import org.springframework.messaging.simp.SimpMessageType;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.user.SimpSession;
import org.springframework.messaging.simp.user.SimpUser;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.stereotype.Component;
import org.tiphotline.intake.HotlineReport;

/**
 * Tells the operator's own open tabs that a field of their draft was saved, so a second tab shows the stored value
 * without a reload instead of saving over it later. Ids and a version only: a tab that shows the field reads the
 * value through the report read, which is audited.
 */
@Component
class FieldSavedPush {

    private final SimpMessagingTemplate messaging;
    private final SimpUserRegistry users;

    FieldSavedPush(SimpMessagingTemplate messaging, SimpUserRegistry users) {
        this.messaging = messaging;
        this.users = users;
    }

    /**
     * One message per session (tab), each addressed to its session: one message to the user's several sessions
     * fails after the first here ("Expected mutable SimpMessageHeaderAccessor", the ordered outbound channel), and
     * reaching the other tabs is the point.
     */
    @EventListener
    void on(HotlineReport.FieldSaved saved) {
        SimpUser user = users.getUser(saved.operatorUsername());
        if (user == null) {
            return;
        }
        Map<String, Object> update = Map.of("report", saved.report().toString(), "field", saved.field(),
                "fieldVersion", saved.fieldVersion());
        for (SimpSession session : user.getSessions()) {
            SimpMessageHeaderAccessor headers = SimpMessageHeaderAccessor.create(SimpMessageType.MESSAGE);
            headers.setSessionId(session.getId());
            headers.setLeaveMutable(true);
            messaging.convertAndSendToUser(saved.operatorUsername(), "/queue/report-fields", update,
                    headers.getMessageHeaders());
        }
    }
}
