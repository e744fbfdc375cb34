package org.tiphotline.console.online;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.intake.InvalidField;
import org.tiphotline.intake.JurisdictionSettings;
import org.tiphotline.online.OnlineForm;
import org.tiphotline.online.OnlineReports;

/**
 * The public form's two endpoints, open to anyone without signing in. {@code GET /api/public/form} gives the
 * page what it renders (fields, languages, the emergency number) and the CSRF token of the visitor's session;
 * {@code POST /api/public/reports} takes a report and answers with its reference code only, never with anything
 * that was sent.
 */
@RestController
class OnlineFormApi {

    static final String FORM = "/api/public/form";
    static final String REPORTS = "/api/public/reports";

    /** {@code answers}: field name → value, as the form definition describes. */
    record Submission(String language, Map<String, Object> answers) {}

    private static final Logger log = LoggerFactory.getLogger(OnlineFormApi.class);
    private static final List<String> COUNTRIES = List.of(Locale.getISOCountries());

    /** The page's texts are a static file; the languages it has texts for, read once. */
    static final String TEXTS = "static/i18n/report.json";
    private static final java.util.Set<String> TRANSLATED = translated();

    private static java.util.Set<String> translated() {
        try (var in = new org.springframework.core.io.ClassPathResource(TEXTS).getInputStream()) {
            java.util.Set<String> languages = new java.util.TreeSet<>();
            tools.jackson.databind.json.JsonMapper.builder().build().readTree(in).propertyNames()
                    .forEach(languages::add);
            return languages;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the online form's texts are missing: " + TEXTS, e);
        }
    }

    private final OnlineForm form;
    private final OnlineReports reports;
    private final JurisdictionSettings jurisdiction;
    private final String hotlineNumber;
    private final OnlineMessages messages;
    private final String quickExitUrl;

    OnlineFormApi(OnlineForm form, OnlineReports reports, JurisdictionSettings jurisdiction,
            @Value("${hotline.jurisdiction.hotline-number:}") String hotlineNumber, OnlineMessages messages,
            OnlineFormSettings settings) {
        this.messages = messages;
        this.quickExitUrl = settings.quickExitUrl();
        this.form = form;
        this.reports = reports;
        this.jurisdiction = jurisdiction;
        this.hotlineNumber = hotlineNumber.strip();
        List<String> untranslated = form.languages().stream().filter(l -> !TRANSLATED.contains(l)).toList();
        if (!untranslated.isEmpty()) {
            // A profile or HOTLINE_CALLS_LANGUAGES named a language the page has no texts for: it is not offered.
            log.warn("the online form has no texts for {} (static/i18n/report.json): the page does not offer them",
                    untranslated);
        }
        if (this.hotlineNumber.isEmpty()) {
            // The page then tells people in danger to call the hotline without a number: set it.
            log.warn("hotline.jurisdiction.hotline-number is not set: the online form's emergency banner has no "
                    + "number to show");
        }
    }

    @GetMapping(FORM)
    Map<String, Object> form(HttpServletRequest request) {
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jurisdiction", jurisdiction.name());
        body.put("hotlineNumber", hotlineNumber.isEmpty() ? null : hotlineNumber);
        body.put("quickExitUrl", quickExitUrl);
        body.put("languages", form.languages());
        body.put("fields", form.fields());
        body.put("countries", COUNTRIES);
        body.put("csrf", Map.of("header", csrf.getHeaderName(), "token", csrf.getToken()));
        return body;
    }

    @PostMapping(REPORTS)
    @ResponseStatus(HttpStatus.CREATED)
    OnlineReports.Receipt submit(@RequestBody Submission submission) {
        try {
            return reports.submit(submission.language(), submission.answers());
        } catch (InvalidField refused) {
            // The reporter reads the form in their language: so are the refusals.
            throw new InvalidField(messages.in(submission.language(), refused.problems()));
        }
    }
}
