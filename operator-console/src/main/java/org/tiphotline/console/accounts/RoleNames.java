package org.tiphotline.console.accounts;

import java.util.Map;
import org.tiphotline.operators.Role;

/** Roles in the words people use for them: the one place the administration page and the account page read. */
final class RoleNames {

    private static final Map<Role, String> NAMES = Map.of(
            Role.OPERATOR, "Operator",
            Role.SUPERVISOR, "Supervisor",
            Role.DATA_MANAGER, "Data manager",
            Role.DATA_MANAGEMENT_LEADER, "Data management leader",
            Role.AGENCY_REPORTER, "Agency reporter",
            Role.LIAISON, "Agency liaison",
            Role.ADMIN, "Administrator",
            Role.WALLBOARD, "Wall display",
            Role.AUDITOR, "Auditor");

    private RoleNames() {
    }

    static String of(Role role) {
        return NAMES.get(role);
    }
}
