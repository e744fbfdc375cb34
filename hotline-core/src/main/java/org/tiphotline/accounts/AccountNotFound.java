package org.tiphotline.accounts;

/** No user has that id. */
public class AccountNotFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AccountNotFound() {
        super("no such user");
    }
}
