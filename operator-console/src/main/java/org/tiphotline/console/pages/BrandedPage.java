package org.tiphotline.console.pages;

import org.springframework.web.util.HtmlUtils;

/**
 * The frame of a page the server writes itself, in the same look as the static pages (app.css, the hotline's
 * header, a card): the sign-in form and the error pages must not look like another application's, or a
 * night-shift operator may take them for a phishing page or a broken server. No script: CSP stays strict.
 */
public final class BrandedPage {

    private BrandedPage() {
    }

    /**
     * A whole page. {@code title} is plain text (escaped here); {@code card} is the card's inner HTML, which
     * the caller builds from its own fixed words and escapes what it did not write.
     */
    public static String of(String title, String card) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="icon" href="/favicon.svg" type="image/svg+xml">
                <title>%s · Trafficking hotline</title>
                <link rel="stylesheet" href="/css/app.css"></head>
                <body><header><h1 class="brand-mark"><img src="/favicon.svg" alt="">Trafficking hotline</h1></header>
                <main class="narrow"><section class="page-card">
                %s
                </section></main></body></html>
                """.formatted(HtmlUtils.htmlEscape(title), card);
    }
}
