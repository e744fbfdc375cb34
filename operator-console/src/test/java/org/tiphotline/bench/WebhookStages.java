package org.tiphotline.bench;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteListenerProvider;
import org.springframework.core.Ordered;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * Optional ({@code -Dbench.stages=true} in the end-to-end benchmark): where a Twilio webhook's time goes inside
 * the server. Added as an extra source like {@link ServerStages} and, like it, not a component. For each request
 * to {@code /twilio/*} it writes one line to the file named by the property {@code bench.webhook-stages}:
 * {@code <begin ms> <path> <total µs> <begin µs> <begins> <sql µs> <statements> <commit µs> <commits>
 * <slowest statement µs> <its round trip µs> <its text's start>}, where
 * <ul>
 *   <li>{@code begin}: opening transactions, which is waiting for a pool connection;
 *   <li>{@code sql}: jOOQ statements from start to end (render, a connection outside transactions, the round
 *       trip, fetching), inside and outside transactions;
 *   <li>{@code commit}: commits, which wait for PostgreSQL's durable write.
 * </ul>
 * The rest (total minus these) is the servlet and security filters, the signature check, the controller's own
 * work, locks such as the router's, and waiting for a carrier thread. The time is the request's own thread's:
 * a virtual thread per request, so a thread-local is the request's.
 */
public final class WebhookStages implements Filter, Ordered, ExecuteListenerProvider, TransactionExecutionListener {

    /** Accumulated for the request running on this thread; null outside a webhook. */
    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();
    private static final int BEGIN = 0, BEGINS = 1, SQL = 2, STATEMENTS = 3, COMMIT = 4, COMMITS = 5, MARK = 6,
            SQL_MARK = 7, EXEC_MARK = 8, SLOWEST = 9, SLOWEST_EXEC = 10, LAST_EXEC = 11;
    /** The slowest statement's text (its start), per request: which statement the tail waits in. */
    private static final ThreadLocal<String> SLOWEST_SQL = new ThreadLocal<>();

    private final Writer out;

    public WebhookStages(org.springframework.core.env.Environment environment) throws IOException {
        out = Files.newBufferedWriter(Path.of(environment.getRequiredProperty("bench.webhook-stages")),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request instanceof HttpServletRequest http ? http.getRequestURI() : "";
        if (!path.startsWith("/twilio/")) {
            chain.doFilter(request, response);
            return;
        }
        long beginMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        long[] acc = new long[12];
        CURRENT.set(acc);
        SLOWEST_SQL.remove();
        try {
            chain.doFilter(request, response);
        } finally {
            CURRENT.remove();
            String slowest = SLOWEST_SQL.get();
            SLOWEST_SQL.remove();
            long total = System.nanoTime() - start;
            String line = String.format(Locale.ROOT, "%d %s %d %d %d %d %d %d %d %d %d %s%n", beginMillis, path,
                    total / 1000, acc[BEGIN] / 1000, acc[BEGINS], acc[SQL] / 1000, acc[STATEMENTS],
                    acc[COMMIT] / 1000, acc[COMMITS], acc[SLOWEST] / 1000, acc[SLOWEST_EXEC] / 1000,
                    slowest == null ? "-" : slowest);
            synchronized (out) {
                out.write(line);
                out.flush();
            }
        }
    }

    @Override
    public ExecuteListener provide() {
        return new ExecuteListener() {
            @Override
            public void start(ExecuteContext ctx) {
                mark(SQL_MARK);
            }

            @Override
            public void executeStart(ExecuteContext ctx) {
                mark(EXEC_MARK);
            }

            @Override
            public void executeEnd(ExecuteContext ctx) {
                long[] acc = CURRENT.get();
                if (acc != null && acc[EXEC_MARK] != 0) {
                    acc[LAST_EXEC] = System.nanoTime() - acc[EXEC_MARK];
                    acc[EXEC_MARK] = 0;
                }
            }

            @Override
            public void end(ExecuteContext ctx) {
                long[] acc = CURRENT.get();
                if (acc != null && acc[SQL_MARK] != 0) {
                    long took = System.nanoTime() - acc[SQL_MARK];
                    if (took > acc[SLOWEST]) {
                        acc[SLOWEST] = took;
                        acc[SLOWEST_EXEC] = acc[LAST_EXEC];
                        String sql = ctx.sql() == null ? "?" : ctx.sql();
                        SLOWEST_SQL.set(sql.substring(0, Math.min(sql.length(), 70)).replaceAll("\\s+", "_"));
                    }
                    acc[LAST_EXEC] = 0;
                }
                add(SQL, STATEMENTS, SQL_MARK);
            }
        };
    }

    @Override
    public void beforeBegin(TransactionExecution transaction) {
        mark(MARK);
    }

    @Override
    public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
        add(BEGIN, BEGINS, MARK);
    }

    @Override
    public void beforeCommit(TransactionExecution transaction) {
        mark(MARK);
    }

    @Override
    public void afterCommit(TransactionExecution transaction, Throwable commitFailure) {
        add(COMMIT, COMMITS, MARK);
    }

    /** Statements get a mark of their own: a statement runs inside a transaction's begin-to-commit span. */
    private static void mark(int mark) {
        long[] acc = CURRENT.get();
        if (acc != null) {
            acc[mark] = System.nanoTime();
        }
    }

    private static void add(int time, int count, int mark) {
        long[] acc = CURRENT.get();
        if (acc != null && acc[mark] != 0) {
            acc[time] += System.nanoTime() - acc[mark];
            acc[count]++;
            acc[mark] = 0;
        }
    }
}
