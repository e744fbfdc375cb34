package org.tiphotline.console.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tiphotline.console.testing.ConsoleClient;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.console.sso.SsoBrowser;
import org.tiphotline.console.sso.TestIdentityProvider;

/**
 * A single sign-on started on node A whose answer from the provider reaches node B (the load balancer's choice):
 * B finds the sign-in's state in the shared session, completes it, and the signed-in session holds on both nodes.
 */
class SessionSingleSignOnAcrossNodesTest {

    @TempDir
    static Path first;
    @TempDir
    static Path second;

    private static TestIdentityProvider provider;
    private static RunningHotline a;
    private static RunningHotline b;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        provider = new TestIdentityProvider(port);
        Map<String, String> sso = Map.of(
                "hotline.security.oidc.enabled", "true",
                "hotline.security.oidc.issuer-uri", provider.issuer(),
                "hotline.security.oidc.client-id", TestIdentityProvider.CLIENT_ID,
                "hotline.security.oidc.client-secret", TestIdentityProvider.CLIENT_SECRET,
                "hotline.security.oidc.roles.hotline-operator", "OPERATOR");
        Map<String, String> onA = new java.util.HashMap<>(sso);
        onA.put("server.port", Integer.toString(port));
        a = RunningHotline.start(first, onA);
        b = RunningHotline.secondNode(a, second, sso);
        provider.person("op.twonodes", "idp-pass-9", Map.of("preferred_username", "operator",
                "hotline_roles", List.of("hotline-operator")));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable running : new AutoCloseable[] {b, a, provider}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void startedOnAAnsweredToBSignedInOnBoth() {
        SsoBrowser browser = new SsoBrowser().callbackTo(b.base());
        SsoBrowser.Page landed = browser.signInThroughProvider(a.base(), "op.twonodes", "idp-pass-9");
        assertThat(landed.uri().getPort()).as("the provider's answer went to node B").isEqualTo(b.port());
        assertThat(landed.uri().getPath()).isEqualTo("/console.html");
        assertThat(landed.status()).isEqualTo(200);
        for (RunningHotline node : List.of(a, b)) {
            SsoBrowser.Page me = browser.api(node.base() + "/api/me");
            assertThat(me.status()).isEqualTo(200);
            assertThat(ConsoleClient.parse(me.body()).get("username").asString()).isEqualTo("operator");
        }
    }
}
