package org.tiphotline.console.testing;

import java.util.Map;

/** Fake agencies for a test's {@code hotline.directory}, as application properties. */
public final class TestDirectory {

    private TestDirectory() {
    }

    /**
     * Adds agency number {@code n}: its id, name, one role, a line (null: none) and its alert channels in order,
     * each written {@code "CHANNEL target"}, e.g. {@code "WEBHOOK http://127.0.0.1:1234/alerts"}.
     */
    public static void agency(Map<String, String> settings, int n, String id, String name, String role, String phone,
            String... alerts) {
        String prefix = "hotline.directory.agencies[" + n + "].";
        settings.put(prefix + "id", id);
        settings.put(prefix + "name", name);
        settings.put(prefix + "roles[0]", role);
        if (phone != null) {
            settings.put(prefix + "phone", phone);
        }
        for (int i = 0; i < alerts.length; i++) {
            String[] channelAndTarget = alerts[i].split(" ", 2);
            settings.put(prefix + "alerts[" + i + "].channel", channelAndTarget[0]);
            settings.put(prefix + "alerts[" + i + "].target", channelAndTarget[1]);
        }
    }
}
