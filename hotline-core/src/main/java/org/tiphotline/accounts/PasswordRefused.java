package org.tiphotline.accounts;

/** A new password breaks the policy, or the current password given is wrong; the message says which rule. */
public class PasswordRefused extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public PasswordRefused(String message) {
        super(message);
    }
}
