package org.tiphotline.console.security;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.tiphotline.accounts.PasswordHashing;
import org.tiphotline.console.accounts.FirstSignInGate;
import org.tiphotline.console.accounts.FirstSignInStep;
import org.tiphotline.console.factors.PasskeySignIn;
import org.tiphotline.console.signin.SessionLimits;
import org.tiphotline.console.signin.SignInRefusals;
import org.tiphotline.console.signin.SignOuts;
import org.tiphotline.console.sso.SingleSignOn;
import org.springframework.security.config.annotation.authorization.EnableMultiFactorAuthentication;
import org.tiphotline.operators.Operators;

/**
 * Form login with Argon2id password hashes; pages and APIs by role. APIs answer 401 instead of redirecting
 * to the login page, so the console's scripts can tell a lost session from an error.
 */
@Configuration(proxyBeanMethods = false)
// --- Second factor (issue 16, part 4) ---
// Spring Security's multi-factor support: a later sign-in step (a passkey after the password) adds its factor
// authority to the same authentication instead of replacing it. Which roles need which factors is decided per user
// by console.factors.SecondFactorStep, a FirstSignInStep (no factor is required globally: the demo and the roles
// without personal data sign in with a password).
@EnableMultiFactorAuthentication(authorities = {})
// --- end second factor ---
class WebSecurity {

    /**
     * The browser phone (Twilio Voice SDK, served from our origin) talks to Twilio's signalling and event
     * gateways and plays Twilio's ring tones; nothing else leaves the console's origin.
     */
    private static final String TWILIO_CONNECT = " wss://*.twilio.com https://*.twilio.com";
    private static final String TWILIO_MEDIA = "; media-src 'self' https://sdk.twilio.com";

    /** No page uses these; the operator console's browser phone alone may ask for the microphone (with Twilio). */
    private static final String PERMISSIONS = "microphone=(), camera=(), geolocation=(), payment=(), usb=(), "
            + "display-capture=()";
    private static final String BROWSER_PHONE_PAGE = "/console.html";

    @Bean
    SecurityFilterChain web(HttpSecurity http,
            @Value("${hotline.telephony.twilio.enabled:false}") boolean twilio,
            ObjectProvider<FirstSignInStep> firstSignInSteps, SessionLimits sessionLimits, SignOuts signOuts,
            PasskeySignIn passkeys,
            ObjectProvider<SingleSignOn> singleSignOn) throws Exception {
        // --- Single sign-on (issue 16, part 7): OpenID Connect beside the password form, only when switched on.
        // Its two endpoints are open to anyone (they are the way in); switched off, nothing answers there (404).
        singleSignOn.ifAvailable(sso -> {
            try {
                sso.apply(http);
            } catch (Exception e) {
                throw new IllegalStateException("the single sign-on could not be configured", e);
            }
        });
        http.authorizeHttpRequests(auth -> auth.requestMatchers(SingleSignOn.START, SingleSignOn.CALLBACK)
                .permitAll());
        // --- end single sign-on ---
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/login", "/error", "/favicon.ico", "/favicon.svg", "/css/**", "/api/labels",
                                "/js/ui.js").permitAll()
                        // Signed, expiring acknowledgement links from alerts: the signature is the authority.
                        .requestMatchers("/ack/**").permitAll()
                        // The public online form: its page, its script, its texts and its two endpoints, nothing else.
                        // CSRF still applies (the token comes with GET /api/public/form, bound to the visitor's
                        // session).
                        .requestMatchers("/report.html", "/js/report.js", "/i18n/report.json", "/api/public/form",
                                "/api/public/reports").permitAll()
                        // Where the online form's quick exit lands by default: a neutral page and its icon, with no
                        // word of the hotline in them (not even in a comment of their source).
                        .requestMatchers("/weather.html", "/weather.svg").permitAll()
                        // --- Production posture (issue 16, part 8) ---
                        // The simulated line (only when switched on) puts calls into the live queue: the hotline's
                        // own staff may try it, never an administrator, a liaison or a reporter.
                        .requestMatchers("/api/sim/**").hasAnyRole("OPERATOR", "SUPERVISOR", "DATA_MANAGER",
                                "DATA_MANAGEMENT_LEADER")
                        // The system status: links, database, alert channels, key ids, sign-in failures, the audit
                        // trail's check (row ids and times only); no one's personal data, and for administrators alone.
                        .requestMatchers("/status.html", "/js/status.js", "/api/admin/status", "/api/admin/audit-check")
                        .hasRole("ADMIN")
                        // --- end production posture ---
                        // --- Second factor (issue 16, part 4) ---
                        // One's own factors, whatever the role (liaisons and reporters may be required one too).
                        .requestMatchers("/factors.html", "/js/factors.js", "/api/factors", "/api/factors/**")
                        .authenticated()
                        // Spring's passkey registration (a filter after these rules): PasskeyGuard says who may.
                        .requestMatchers(HttpMethod.POST, "/webauthn/register").authenticated()
                        .requestMatchers("/api/admin/users/*/factors/reset").hasRole("ADMIN")
                        // --- end second factor ---
                        .requestMatchers("/api/liaison/**", "/liaison.html", "/js/liaison.js").hasRole("LIAISON")
                        // --- Who read what (issue 21, item 3): the audit trail, for the auditor and the data
                        // management leader; not administrators (they manage the accounts the trail watches). ---
                        .requestMatchers(org.tiphotline.console.trail.TrailAccess.PATHS)
                        .hasAnyRole(org.tiphotline.console.trail.TrailAccess.ROLES)
                        // --- end who read what ---
                        // Retention (issue 21, item 5): batches proposed for erasure, decided by the data management
                        // leader alone; they name no one, but approving one erases records for good.
                        .requestMatchers(org.tiphotline.console.retention.RetentionAccess.PATHS)
                        .hasRole(org.tiphotline.console.retention.RetentionAccess.ROLE)
                        .requestMatchers("/api/me", "/account.html", "/js/account.js", "/js/common.js", "/js/stomp.js",
                                "/ws", "/ws/**", "/api/account", "/api/account/password").authenticated()
                        // Accounts are the administrators' alone; nothing of callers or victims is behind these.
                        .requestMatchers("/admin.html", "/js/admin.js", "/api/admin/**").hasRole("ADMIN")
                        .requestMatchers("/api/screenings", "/api/screenings/**", "/api/forms/screening",
                                "/screening.html", "/js/screening.js").hasRole("AGENCY_REPORTER")
                        // The floor (issue 20): staff data only; who sees it is FloorAccess's to say. The wall display
                        // (its role is in FloorAccess): the wallboard and the floor (FloorAccess), its own account
                        // above, and nothing else: no call, no log, no report, no name of a caller.
                        .requestMatchers("/wallboard.html", "/js/wallboard.js")
                        .hasAnyRole(org.tiphotline.console.floor.FloorAccess.ROLES)
                        .requestMatchers(org.tiphotline.console.floor.FloorAccess.API,
                                org.tiphotline.console.floor.FloorAccess.ALERTS_API)
                        .hasAnyRole(org.tiphotline.console.floor.FloorAccess.ROLES)
                        // Liaison users (police, child protection) see their agency's escalations and nothing else;
                        // agency reporters submit screening forms and nothing else; the auditor reads the trail
                        // (above) and nothing else.
                        .requestMatchers(request -> request.isUserInRole("LIAISON")
                                || request.isUserInRole("AGENCY_REPORTER") || request.isUserInRole("WALLBOARD")
                                || request.isUserInRole("AUDITOR"))
                        .denyAll()
                        // Operators' states (issue 20), staff data: supervisors set an operator away; the shift
                        // report (who was available when) for supervisors and administrators.
                        .requestMatchers(HttpMethod.POST, "/api/operator-states/*/away").hasRole("SUPERVISOR")
                        .requestMatchers(HttpMethod.GET, "/api/operator-states").hasAnyRole("SUPERVISOR", "ADMIN")
                        // One escalation (with its outcome's note) and its disclosure: the operator on its call
                        // (checked per call by the API) or a supervisor; closing one is the supervisor's alone.
                        // Overrides are the supervisors' to review; their justifications are free text that may
                        // name someone, so no one else reads them.
                        .requestMatchers(HttpMethod.GET, "/api/escalations/overrides").hasRole("SUPERVISOR")
                        // Alert deliveries that failed (issue 17): agency, channel kind, round and the sender's reason,
                        // no caller or victim; the supervisors act on them.
                        .requestMatchers(HttpMethod.GET, "/api/escalations/alert-failures").hasRole("SUPERVISOR")
                        .requestMatchers(HttpMethod.POST, "/api/escalations/*/close").hasRole("SUPERVISOR")
                        .requestMatchers(HttpMethod.POST, "/api/escalations/*/disclosure").hasAnyRole("OPERATOR",
                                "SUPERVISOR")
                        .requestMatchers(HttpMethod.GET, "/api/escalations/*").hasAnyRole("OPERATOR", "SUPERVISOR")
                        // The registry: data managers and their leader only (what each may read, the registry
                        // decides per case).
                        .requestMatchers("/registry.html", "/js/registry.js", "/api/cases", "/api/cases/**",
                                "/api/forms/case").hasAnyRole("DATA_MANAGER", "DATA_MANAGEMENT_LEADER")
                        // Exports: deciding an identifying export is the leader's alone (and never their own
                        // request, which the service checks); the rest is for data managers and the leader, and the
                        // service decides per request who may see or download it.
                        .requestMatchers(HttpMethod.POST, "/api/exports/requests/*/approve",
                                "/api/exports/requests/*/reject").hasRole("DATA_MANAGEMENT_LEADER")
                        .requestMatchers("/api/exports", "/api/exports/**").hasAnyRole("DATA_MANAGER",
                                "DATA_MANAGEMENT_LEADER")
                        // Statistics publish no person, but they are the task force's to release: the same people.
                        .requestMatchers("/statistics.html", "/js/statistics.js", "/api/statistics",
                                "/api/statistics/**").hasAnyRole("DATA_MANAGER", "DATA_MANAGEMENT_LEADER")
                        // Floor reports (issue 20): the floor's figures over a day, week or month and operators'
                        // working time; staff data, nothing about callers. Who reads them is FloorReportApi's to say.
                        .requestMatchers("/floor-report.html", "/js/floor-report.js",
                                org.tiphotline.console.floorreport.FloorReportAccess.API)
                        .hasAnyRole(org.tiphotline.console.floorreport.FloorReportAccess.ROLES)
                        // Listening in, coaching, joining (issue 20): a supervisor's own phone on a live call.
                        .requestMatchers("/api/supervision/**", "/js/supervise-calls.js").hasRole("SUPERVISOR")
                        .requestMatchers("/supervisor.html", "/js/supervisor.js", "/api/calllog/**", "/api/live/**",
                                "/api/operators", "/api/escalations/**").hasAnyRole("SUPERVISOR", "DATA_MANAGER",
                                "DATA_MANAGEMENT_LEADER")
                        .requestMatchers("/api/calls/*/escalations").hasAnyRole("OPERATOR", "SUPERVISOR")
                        // Contacts outside the phone line (issue 18): recorded by an operator or a supervisor.
                        .requestMatchers("/contact.html", "/js/offline-contact.js", "/api/offline-contacts",
                                "/api/offline-contacts/**").hasAnyRole("OPERATOR", "SUPERVISOR")
                        // --- Repeat callers (issue 18, item 6): a ringing call's earlier contacts for the operator it
                        // rings at (checked per call by the service) and supervisors; caller flags for supervisors.
                        .requestMatchers("/api/calls/*/earlier-contacts", "/js/caller-history.js")
                        .hasAnyRole("OPERATOR", "SUPERVISOR")
                        .requestMatchers("/api/calls/*/caller-flags", "/api/caller-flags", "/api/caller-flags/**",
                                "/js/caller-flags.js").hasRole("SUPERVISOR")
                        // --- end repeat callers ---
                        // The callback queue (issue 18): masked numbers, worked by operators, watched and worked by
                        // supervisors.
                        .requestMatchers("/api/callbacks", "/api/callbacks/**").hasAnyRole("OPERATOR", "SUPERVISOR")
                        .requestMatchers("/console.html", "/js/console.js").hasRole("OPERATOR")
                        // The operator's own call for a reloaded console (ring, issue 17); the ring tone and the
                        // supervisors' alarm sound are for signed-in staff (anyRequest below).
                        .requestMatchers("/api/console/**").hasRole("OPERATOR")
                        .anyRequest().authenticated())
                // A user with a one-time password (and later an unenrolled second factor) reaches only that step.
                .addFilterAfter(new FirstSignInGate(firstSignInSteps.orderedStream().toList()),
                        AuthorizationFilter.class)
                .csrf(csrf -> csrf.ignoringRequestMatchers("/ack/**"))
                // --- Passkeys (issue 16, part 4): Spring Security's WebAuthn endpoints (/webauthn/register/options,
                // /webauthn/register, /webauthn/authenticate/options, /login/webauthn) on the JDBC repositories of
                // console.factors.Passkeys. A passkey is only a second factor: its sign-in must follow the same
                // user's password (PasskeySignIn.afterPassword), and PasskeyGuard says who may register one. No
                // generated registration page: the enrolment page (/factors.html) is ours. ---
                .webAuthn(webAuthn -> webAuthn.disableDefaultRegistrationPage(true)
                        // The session is in PostgreSQL (issue 19): the registration's options kept serializable.
                        .creationOptionsRepository(passkeys.creationOptions())
                        .withObjectPostProcessor(passkeys.afterPassword()))
                .addFilterBefore(passkeys.guard(), AuthorizationFilter.class)
                // --- end passkeys ---
                // --- Sign-in abuse and sessions (issue 16, parts 5 and 6): throttled tries are answered 429, every
                // sign-out is logged, idle and absolute session limits run on the injected clock. Our own sign-in
                // page (second factor, part 4), which can say when no factor is asked for. ---
                .formLogin(form -> form.loginPage("/login").permitAll().successHandler(new RoleLanding())
                        // Through the filter, not failureHandler(): that would drop the failure URL that the
                        // sign-in page recognises as its own error page.
                        .withObjectPostProcessor(new ObjectPostProcessor<UsernamePasswordAuthenticationFilter>() {
                            @Override
                            public <O extends UsernamePasswordAuthenticationFilter> O postProcess(O filter) {
                                filter.setAuthenticationFailureHandler(new SignInRefusals());
                                return filter;
                            }
                        }))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").addLogoutHandler(signOuts))
                .addFilterBefore(sessionLimits.filter(), AuthorizationFilter.class)
                // --- end sign-in abuse and sessions ---
                .exceptionHandling(ex -> ex.defaultAuthenticationEntryPointFor(
                        new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
                        PathPatternRequestMatcher.withDefaults().matcher("/api/**")))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'self'; "
                                + "connect-src 'self'" + (twilio ? TWILIO_CONNECT : "")
                                + "; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
                                + (twilio ? TWILIO_MEDIA : "")))
                        .frameOptions(frame -> frame.deny())
                        // --- Headers (issue 16, part 6). HSTS goes out on HTTPS requests only (behind a proxy:
                        // server.forward-headers-strategy, see ops/production.env.example). ---
                        .httpStrictTransportSecurity(hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter((request, response) -> response.setHeader("Permissions-Policy",
                                twilio && BROWSER_PHONE_PAGE.equals(request.getServletPath())
                                        ? PERMISSIONS.replace("microphone=()", "microphone=(self)") : PERMISSIONS)));
                        // --- end headers ---
        return http.build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordHashing.encoder();
    }

    @Bean
    UserDetailsService users(Operators operators) {
        return username -> operators.byUsername(username)
                .flatMap(op -> operators.passwordHash(username).map(hash -> User.withUsername(op.username())
                        .password(hash).roles(op.role().name()).build()))
                .orElseThrow(() -> new UsernameNotFoundException("unknown user"));
    }
}
