package org.tiphotline.console.online;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.tiphotline.console.web.TooManyRequests;

/**
 * Per-address rate limit on public submissions, checked after the CSRF filter and before the body is read or
 * anything is checked or stored: a refused attempt costs the server almost nothing.
 *
 * <p>The address is the servlet's remote address. Behind a reverse proxy that is the proxy, so every reporter
 * would share one window: set {@code server.forward-headers-strategy=native} (or {@code framework}) and the
 * container replaces it with the client address the trusted proxy reports. X-Forwarded-For is never read here
 * directly: any client can write that header, and trusting it would let one sender pose as endless addresses.
 */
@Component
class PublicReportGuard implements HandlerInterceptor, WebMvcConfigurer {

    private static final Logger log = LoggerFactory.getLogger(PublicReportGuard.class);

    private final AddressRateLimit limit;

    PublicReportGuard(OnlineFormSettings settings, Clock clock) {
        this.limit = new AddressRateLimit(settings.reportsPerAddress(), settings.window(),
                settings.trackedAddresses(), clock);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns(OnlineFormApi.REPORTS);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!"POST".equals(request.getMethod())) {
            return true;
        }
        Optional<Duration> wait = limit.attempt(request.getRemoteAddr());
        if (wait.isEmpty()) {
            return true;
        }
        long seconds = TooManyRequests.seconds(wait.get().toMillis());
        // No address in the log: it identifies the reporter as surely as a name.
        log.info("online report refused by the rate limit");
        TooManyRequests.answer(response, seconds, "too many reports from this connection; try again in "
                + (seconds + 59) / 60 + " minutes, or call the hotline");
        return false;
    }
}
