package org.tiphotline.console.screening;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.tiphotline.console.web.RateWindows;
import org.tiphotline.console.web.TooManyRequests;

/**
 * Per-user limit on screening forms, checked before the body is read: one reporter's account cannot create
 * hundreds of registry cases. A submission counts when it is accepted; a refused one is given back, so a reporter
 * correcting a mistake is never slowed down. In memory: a restart forgets the counts, which only ever lets a
 * reporter send a little more.
 */
@Component
class ScreeningRateLimit implements HandlerInterceptor, WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ScreeningRateLimit.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final RateWindows windows;
    private final ScreeningSettings settings;
    private final Clock clock;
    private final java.time.ZoneId zone;

    ScreeningRateLimit(ScreeningSettings settings, Clock clock,
            org.tiphotline.intake.JurisdictionSettings jurisdiction) {
        // Bounded by the number of reporter accounts in practice; the cap only guards memory.
        this.windows = new RateWindows(settings.submissionsPerUser(), settings.window(), 10_000, clock);
        this.settings = settings;
        this.clock = clock;
        // The reporter reads the time on their own wall clock: the jurisdiction's, not UTC.
        this.zone = java.time.ZoneId.of(jurisdiction.timeZone());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/screenings");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        Principal user = request.getUserPrincipal();
        if (!"POST".equals(request.getMethod()) || user == null) {
            return true;
        }
        Optional<Duration> wait = windows.attempt(user.getName());
        if (wait.isEmpty()) {
            return true;
        }
        long seconds = TooManyRequests.seconds(wait.get().toMillis());
        // No user name in the log either: which agent reports, and how much, is itself sensitive.
        log.info("screening form refused by the per-user rate limit");
        TooManyRequests.answer(response, seconds, "this account has sent " + settings.submissionsPerUser()
                + " screening forms within " + human(settings.window()) + "; you may send again in "
                + minutes(seconds) + ", at " + TIME.format(clock.instant().plusSeconds(seconds)
                        .atZone(zone)) + ". Nothing was stored: keep this form open and send it then.");
        return false;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        Principal user = request.getUserPrincipal();
        if ("POST".equals(request.getMethod()) && user != null && (response.getStatus() >= 400 || ex != null)) {
            windows.release(user.getName());
        }
    }

    private static String minutes(long seconds) {
        long minutes = (seconds + 59) / 60;
        return minutes == 1 ? "one minute" : minutes + " minutes";
    }

    private static String human(Duration window) {
        long minutes = window.toMinutes();
        if (minutes >= 60 && minutes % 60 == 0) {
            return minutes == 60 ? "one hour" : minutes / 60 + " hours";
        }
        return minutes >= 1 ? minutes + " minutes" : window.toSeconds() + " seconds";
    }
}
