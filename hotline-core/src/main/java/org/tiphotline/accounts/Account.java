package org.tiphotline.accounts;

import java.time.OffsetDateTime;
import java.util.List;
import org.tiphotline.operators.Role;

/**
 * A user as an administrator sees it: who they are and what they may do, never a password or anything of the
 * hotline's callers and victims.
 *
 * @param agency the directory agency of a liaison user; null for everyone else
 * @param endpoint where the telephony provider rings them (an Asterisk PJSIP endpoint or a Twilio client
 *     identity); null for the simulated line
 */
public record Account(long id, String username, String displayName, Role role, String agency, List<String> languages,
        String endpoint, boolean enabled, boolean mustChangePassword, OffsetDateTime lastSignInAt,
        OffsetDateTime createdAt) {

    public Account {
        languages = List.copyOf(languages);
    }

    /**
     * The user's signed-in sessions must end now: they were disabled, their rights changed, or their password
     * was reset. Published inside the change's transaction; the web side acts on it once it commits.
     */
    public record SessionsRevoked(long userId, String username, String why) {}
}
