package org.tiphotline.console.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample load balancer configuration (ops/haproxy/haproxy.cfg) is one Debian's HAProxy accepts: {@code haproxy -c}
 * on the file as shipped, with only its certificate path pointed at a throw-away self-signed certificate (HAProxy
 * reads the certificate while checking). It checks the nodes' readiness probe, which the application serves on the
 * main port. Skipped without haproxy, unless {@code HOTLINE_REQUIRE_BROWSER=1} (CI, which installs it) makes that a
 * failure.
 */
class HaproxyConfigTest {

    private static final Path SAMPLE = Path.of("..", "ops", "haproxy", "haproxy.cfg");
    private static final String CERTIFICATE = "/etc/haproxy/certs/hotline.example.org.pem";

    @TempDir
    Path dir;

    @Test
    void debiansHaproxyAcceptsTheSample() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/haproxy"));
        if (!installed && "1".equals(System.getenv("HOTLINE_REQUIRE_BROWSER"))) {
            throw new AssertionError("haproxy is not installed: apt-get install -y haproxy");
        }
        assumeTrue(installed, "haproxy is not installed (apt-get install -y haproxy)");

        String sample = Files.readString(SAMPLE);
        assertThat(sample).contains(CERTIFICATE).contains("uri /readyz").contains("timeout tunnel")
                .contains("option forwardfor").contains("X-Forwarded-Proto");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=hotline.example.org", "-keyout", dir.resolve("key.pem").toString(), "-out",
                dir.resolve("cert.pem").toString()));
        Path pem = dir.resolve("hotline.pem");
        Files.write(pem, concat(Files.readAllBytes(dir.resolve("cert.pem")), Files.readAllBytes(dir.resolve("key.pem"))));
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, sample.replace(CERTIFICATE, pem.toString()));

        String checked = run(List.of("/usr/sbin/haproxy", "-c", "-f", config.toString()));
        assertThat(checked).contains("Configuration file is valid");
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(command.get(0) + " finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(command.get(0) + ": " + out).isZero();
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
