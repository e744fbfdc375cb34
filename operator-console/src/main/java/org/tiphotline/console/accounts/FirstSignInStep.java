package org.tiphotline.console.accounts;

import java.util.List;
import org.springframework.security.core.Authentication;

/**
 * Something a signed-in user must do before anything else (replace a one-time password; enrol a second factor).
 * {@link FirstSignInGate} consults every such bean in order: while a step is pending, the user reaches only that
 * step's page and the paths it lists, pages elsewhere send them to it and APIs answer 403.
 */
public interface FirstSignInStep {

    /** Whether this user must still take the step. Called on every request of a signed-in user: keep it cheap. */
    boolean pending(Authentication user);

    /** The page where the step is taken, e.g. {@code /account.html}. */
    String page();

    /** What that page needs besides itself (its script, its API), as path patterns. */
    List<String> paths();

    /** What a refused API call is told, e.g. "change your one-time password first". */
    String refusal();
}
