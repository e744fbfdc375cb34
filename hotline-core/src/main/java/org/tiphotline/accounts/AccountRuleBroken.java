package org.tiphotline.accounts;

/** The change would break a rule that keeps the system administrable (the last administrator, a taken name). */
public class AccountRuleBroken extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public AccountRuleBroken(String message) {
        super(message);
    }
}
