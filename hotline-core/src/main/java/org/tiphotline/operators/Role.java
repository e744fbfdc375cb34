package org.tiphotline.operators;

/** What a user may do; need-to-know access is decided from it. */
public enum Role {
    OPERATOR, SUPERVISOR, DATA_MANAGER, ADMIN,
    /** Works for an agency of the directory: sees and acknowledges only the escalations addressed to it. */
    LIAISON
}
