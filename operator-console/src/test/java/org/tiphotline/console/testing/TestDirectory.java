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

    /**
     * A hotline with one fake police agency whose webhook alerts go to port 9, where nothing listens (so each
     * delivery fails), and its liaison {@code police1} / {@code police1-test}.
     */
    public static RunningHotline withPoliceLiaison(java.nio.file.Path data) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        agency(settings, 0, "test-police", "Test Police (fake)", "POLICE", "+15550100119",
                "WEBHOOK http://127.0.0.1:9/police");
        RunningHotline hotline = RunningHotline.start(data, settings);
        hotline.bean(org.tiphotline.operators.Operators.class).createLiaison("police1", "Police Liaison (fake)",
                hotline.bean(org.springframework.security.crypto.password.PasswordEncoder.class)
                        .encode("police1-test"), "test-police");
        return hotline;
    }
}
