package org.tiphotline.console.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * A caller's number never comes back out in full: not in a page, an HTTP response, a live message, a webhook's
 * answer or a log line. Every test client registers the caller numbers it puts in (a simulated call's number, a
 * Twilio webhook's {@code From}, a FastAGI {@code agi_callerid}) and shows this watch every body it receives; a
 * log appender shows it every line the application writes. A test during which a registered number came out fails
 * after it, naming where. Registered for every test class of this module (JUnit's extension auto-detection), so
 * a new endpoint is watched without anyone remembering to.
 *
 * <p>A number counts as out in full when its last ten digits (all of them if fewer) appear in order with at most
 * a few separators between them ({@code +1 (555) 010-0123} as well as {@code 5550100123}); a mask such as
 * {@code •••• 0123} is not. Outbound requests to a provider (an AMI Originate, a Twilio REST request) must carry
 * the number and are not responses: they are not shown to the watch.
 */
public final class NumberWatch implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    private static final Map<String, Pattern> NUMBERS = new ConcurrentHashMap<>();
    private static final List<String> LEAKS = java.util.Collections.synchronizedList(new ArrayList<>());
    private static final String APPENDER = "caller-number-watch";

    /** A caller number a test put in; null and numbers of fewer than 7 digits (not a number) are ignored. */
    public static void callerNumber(String number) {
        if (number == null) {
            return;
        }
        String digits = number.replaceAll("\\D", "");
        if (digits.length() < 7) {
            return;
        }
        String tail = digits.length() > 10 ? digits.substring(digits.length() - 10) : digits;
        NUMBERS.computeIfAbsent(tail, t -> {
            // No look-behind: the country code's digits come before the ten watched ones.
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < t.length(); i++) {
                regex.append(i == 0 ? "" : "[\\s\\-().\\u00a0/]{0,3}").append(t.charAt(i));
            }
            return Pattern.compile(regex.append("(?!\\d)").toString());
        });
    }

    /** What the system sent back; {@code where} names it in a failure (a path, a topic, "log"). */
    public static void received(String where, String body) {
        if (body == null || body.isEmpty() || NUMBERS.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Pattern> number : NUMBERS.entrySet()) {
            if (number.getValue().matcher(body).find()) {
                // The number is fake (tests use +1 555 01xx); its last four digits are enough to find the test.
                LEAKS.add(where + " carried the caller number ending " + number.getKey().substring(
                        number.getKey().length() - 4));
            }
        }
    }

    /** The leaks seen since the last check, forgotten: for the watch's own test, which leaks on purpose. */
    static List<String> takeLeaks() {
        synchronized (LEAKS) {
            List<String> found = List.copyOf(LEAKS);
            LEAKS.clear();
            return found;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        watchLogs();
        NUMBERS.clear();
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        failOnLeaks();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Leaks after the last test (a log line while the application stops) still count, then the class forgets.
        try {
            failOnLeaks();
        } finally {
            NUMBERS.clear();
        }
    }

    private static void failOnLeaks() {
        List<String> found;
        synchronized (LEAKS) {
            found = List.copyOf(new java.util.LinkedHashSet<>(LEAKS));
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("a caller's number came out in full: " + String.join("; ", found));
        }
    }

    /**
     * Attaches the watch to the application's logging unless it is attached: Spring Boot stops and resets logging
     * when each application starts, which detaches every appender (and every listener that could put it back),
     * so {@link RunningHotline} calls this once the application's logging is set up.
     */
    public static synchronized void watchLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            Logger root = logging.getLogger(Logger.ROOT_LOGGER_NAME);
            if (root.getAppender(APPENDER) == null) {
                root.addAppender(appender(logging));
            }
        }
    }

    /** Whether the watch sees the application's log lines now (for the watch's own test). */
    static boolean watchingLogs() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext logging
                && logging.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER) != null;
    }

    private static AppenderBase<ILoggingEvent> appender(LoggerContext logging) {
        AppenderBase<ILoggingEvent> watch = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                received("log line of " + event.getLoggerName(), event.getFormattedMessage());
                for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                    received("logged exception of " + event.getLoggerName(), t.getMessage());
                }
            }
        };
        watch.setContext(logging);
        watch.setName(APPENDER);
        watch.start();
        return watch;
    }
}
