package org.tiphotline.offline;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a contact reached the hotline when it did not come through the phone system. */
public enum OfflineChannel {
    WALK_IN, BACKUP_PHONE, LETTER, EMAIL;

    /** The channel a request names; a code nobody knows is refused with the list of those that exist. */
    public static OfflineChannel parse(String code) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("channel is required: one of " + codes());
        }
        try {
            return valueOf(code.strip());
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("channel must be one of " + codes());
        }
    }

    private static String codes() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
