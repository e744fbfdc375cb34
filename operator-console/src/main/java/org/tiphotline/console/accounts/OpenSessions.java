package org.tiphotline.console.accounts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.tiphotline.accounts.Account;
import org.tiphotline.console.signin.LiveSockets;
import org.tiphotline.operators.OperatorId;
import org.tiphotline.routing.Router;

/**
 * Signs a user out everywhere once they are disabled, lose a role or have their password or factors reset: every
 * HTTP session of theirs, on every node, is deleted from the session store (PostgreSQL, found by the principal name
 * Spring Session keeps for each session; the next request answers 401) and their live channels closed: this node's
 * at once, the other node's at its next {@link LiveSockets#check()}. Acts once the change has committed.
 */
@Component
class OpenSessions {

    private static final Logger log = LoggerFactory.getLogger(OpenSessions.class);

    private final Router router;
    private final FindByIndexNameSessionRepository<? extends Session> sessions;
    private final LiveSockets sockets;

    OpenSessions(Router router, FindByIndexNameSessionRepository<? extends Session> sessions, LiveSockets sockets) {
        this.router = router;
        this.sessions = sessions;
        this.sockets = sockets;
    }

    @TransactionalEventListener
    void on(Account.SessionsRevoked revoked) {
        // No call is offered to someone signed out. The live channel's own "vanished operator" rule cannot do it for
        // a disabled user: it finds operators among the enabled ones.
        router.signedOut(new OperatorId(revoked.userId()));
        int ended = sockets.closeUser(revoked.username(), revoked.why());
        for (String id : sessions.findByPrincipalName(revoked.username()).keySet()) {
            sessions.deleteById(id);
            ended++;
        }
        log.info("user {} signed out everywhere ({}): {} sessions ended", revoked.username(), revoked.why(), ended);
    }
}
