package org.tiphotline.operators;

/** The signed-in person on whose behalf a service is called; every access decision and audit row names one. */
public record Actor(OperatorId id, String username, Role role) {

    public boolean is(Role... roles) {
        for (Role r : roles) {
            if (role == r) {
                return true;
            }
        }
        return false;
    }
}
