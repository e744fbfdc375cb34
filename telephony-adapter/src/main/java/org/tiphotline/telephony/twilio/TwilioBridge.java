package org.tiphotline.telephony.twilio;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.jooq.DSLContext;
import org.springframework.transaction.support.TransactionTemplate;
import org.tiphotline.calls.Calls;
import org.tiphotline.cluster.Leadership;
import org.tiphotline.protection.AuditTrail;
import org.tiphotline.protection.FieldCipher;
import org.tiphotline.calls.Switchboard;
import org.tiphotline.telephony.ivr.IvrScript;

/**
 * Starts the Twilio bridge when {@code hotline.telephony.twilio.enabled=true}: the webhooks under
 * {@code /twilio/}, which bypass the console's login and CSRF protection and are instead let through only with
 * Twilio's signature, and the port the core uses to move calls.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
class TwilioBridge {

    @Bean
    TwilioApi twilioApi(TwilioSettings settings) {
        return new TwilioApi(settings);
    }

    @Bean
    TwilioCallbacks twilioCallbacks(TwilioApi api, TwilioSettings settings, Calls calls, DSLContext db,
            FieldCipher cipher, AuditTrail audit, TransactionTemplate tx) {
        return new TwilioCallbacks(api, settings, calls, db, cipher, audit, tx);
    }

    @Bean
    TwilioEscalationState twilioEscalationState(DSLContext db) {
        return new TwilioEscalationState(db);
    }

    @Bean(destroyMethod = "close")
    TwilioLine twilioLine(TwilioApi api, Switchboard switchboard, Calls calls, TwilioCallbacks callbacks,
            TwilioEscalationState state, DSLContext db) {
        return new TwilioLine(api, switchboard, calls, callbacks, state, new TwilioConsults(api, db));
    }

    @Bean
    TwilioStateSweep twilioStateSweep(Leadership leadership, TwilioEscalationState state,
            TwilioCallbacks callbacks) {
        return new TwilioStateSweep(leadership, state, callbacks);
    }

    @Bean
    TwilioIvr twilioIvr(IvrScript script, TwilioSettings settings) {
        return new TwilioIvr(script, settings);
    }

    /** Before the console's chain: Twilio has no session, no login and no CSRF token, only its signature. */
    @Bean
    @Order(1)
    SecurityFilterChain twilioWebhookSecurity(HttpSecurity http, TwilioSettings settings) throws Exception {
        // Created here, not as a bean: a Filter bean would be put in front of every request.
        TwilioSignature signature = new TwilioSignature(settings);
        http.securityMatcher("/twilio/**")
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .addFilterAfter(signature, SecurityContextHolderFilter.class);
        return http.build();
    }
}
