package org.tiphotline.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.console.testing.RunningHotline;
import org.tiphotline.operators.Operators;
import org.tiphotline.operators.Role;

/**
 * One node of a two-node hotline in a JVM of its own, for {@link FailoverRun}: the whole application on an
 * external PostgreSQL (given as properties), driven over stdin/stdout like {@link BenchServer}. Arguments: data
 * directory, {@code key=value;...} properties, the number of operators to create (0 on the second node: they are
 * in the shared database already). Commands: {@code leads} (answers true or false), {@code stop} (a clean stop, as
 * systemd's); the end of stdin stops it too. A {@code kill -9} is the driver's {@link Process#destroyForcibly}.
 */
final class ClusterNode {

    static final String REPLY = "@@node ";

    private ClusterNode() {}

    static String operatorName(int i) {
        return String.format(Locale.ROOT, "fo-op-%02d", i);
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        var properties = BenchServer.parseProperties(args[1]);
        int operators = Integer.parseInt(args[2]);
        String password = System.getenv("BENCH_PASSWORD");
        try (RunningHotline hotline = RunningHotline.start(data, properties)) {
            if (operators > 0) {
                Operators accounts = hotline.bean(Operators.class);
                String hash = hotline.bean(PasswordEncoder.class).encode(password);
                for (int i = 1; i <= operators; i++) {
                    accounts.create(operatorName(i), String.format(Locale.ROOT, "Failover Operator %02d (fake)", i),
                            hash, Role.OPERATOR, List.of("en"), null);
                }
            }
            System.out.println(REPLY + "ready " + hotline.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null;) {
                switch (line.strip()) {
                    case "leads" -> System.out.println(REPLY + hotline.bean(Leadership.class).leads());
                    case "stop" -> {
                        return;
                    }
                    default -> System.out.println(REPLY + "unknown command");
                }
                System.out.flush();
            }
        }
    }
}
