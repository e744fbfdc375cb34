package org.tiphotline.console.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * What every page must pass as its user sees it (issue 17): at a 1280x720 laptop and a 1920x1080 screen, no card
 * is wider than itself and the page has no sideways scroll, and axe-core finds no violation of the WCAG 2.2 A and
 * AA rules. Screenshots of both sizes go to {@code target/screenshots/<name>-<size>.png}, to be looked at.
 */
public final class PageCheck {

    public static final List<Dimension> SIZES = List.of(new Dimension(1280, 720), new Dimension(1920, 1080));
    private static final List<String> WCAG_22_A_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a",
            "wcag22aa");
    private static final String AXE = axeScript();

    private PageCheck() {
    }

    /** Checks the page now shown at both sizes, then leaves the browser at the first size. */
    public static void assertFitsAndIsAccessible(WebDriver browser, String name) {
        for (Dimension size : SIZES) {
            browser.manage().window().setSize(size);
            settle(browser);
            HeadlessChromium.screenshot(browser, name + "-" + size.getWidth() + "x" + size.getHeight());
            assertThat(overflows(browser)).as("%s at %dx%d: elements wider than their card or the page", name,
                    size.getWidth(), size.getHeight()).isEmpty();
            assertThat(accessibilityViolations(browser)).as("%s at %dx%d: axe-core WCAG 2.2 A/AA violations", name,
                    size.getWidth(), size.getHeight()).isEmpty();
        }
        browser.manage().window().setSize(SIZES.get(0));
    }

    /**
     * The same checks at a phone's size (360x740), for the pages people open on one: liaison and public pages. A
     * desktop chromium will not make its window narrower than about 500 px, so the phone's screen is emulated (as the
     * developer tools' device mode does), with a phone's touch and its viewport meta tag honoured.
     */
    public static void assertFitsAPhoneAndIsAccessible(WebDriver browser, String name) {
        org.openqa.selenium.chromium.HasCdp cdp = (org.openqa.selenium.chromium.HasCdp) browser;
        cdp.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of("width", 360, "height", 740,
                "deviceScaleFactor", 1, "mobile", true));
        try {
            settle(browser);
            assertThat(((JavascriptExecutor) browser).executeScript("return window.innerWidth"))
                    .as("the emulated phone's width").isEqualTo(360L);
            HeadlessChromium.screenshot(browser, name + "-phone");
            assertThat(overflows(browser)).as("%s on a phone: elements wider than their card or the page", name)
                    .isEmpty();
            assertThat(accessibilityViolations(browser)).as("%s on a phone: axe-core WCAG 2.2 A/AA violations", name)
                    .isEmpty();
        } finally {
            cdp.executeCdpCommand("Emulation.clearDeviceMetricsOverride", java.util.Map.of());
            browser.manage().window().setSize(SIZES.get(0));
        }
    }

    /**
     * Cards ({@code section}, dialogs, the form) whose content is wider than the card, and a page wider than the
     * window. A table that scrolls inside its own wrapper is not an overflow: that is the design.
     */
    @SuppressWarnings("unchecked")
    public static List<String> overflows(WebDriver browser) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                const out = [];
                const doc = document.documentElement;
                if (doc.scrollWidth > window.innerWidth + 1) {
                  out.push('page is ' + doc.scrollWidth + 'px wide in a ' + window.innerWidth + 'px window');
                }
                const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
                document.querySelectorAll('section, dialog[open], header, main > div, .callbar').forEach((card) => {
                  if (card.offsetParent === null && card.tagName !== 'DIALOG') return;
                  if (card.scrollWidth > card.clientWidth + 1) {
                    let culprit = '';
                    card.querySelectorAll('*').forEach((c) => {
                      if (!culprit && c.offsetParent !== null && !c.closest('.table-scroll')
                          && c.getBoundingClientRect().right > card.getBoundingClientRect().right + 1) {
                        culprit = name(c);
                      }
                    });
                    out.push(name(card) + ' is ' + card.scrollWidth + 'px of content in ' + card.clientWidth
                        + 'px' + (culprit ? ' (' + culprit + ')' : ''));
                  }
                });
                return out;
                """);
    }

    /** axe-core's WCAG 2.2 A and AA violations of the page as shown: rule, help, and up to three elements. */
    @SuppressWarnings("unchecked")
    public static List<String> accessibilityViolations(WebDriver browser) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe !== 'undefined'"))) {
            js.executeScript(AXE);
        }
        browser.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(60));
        return (List<String>) js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
                  .then((r) => done(r.violations.map((v) => v.id + ': ' + v.help + ' ['
                      + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ') + ']')))
                  .catch((e) => done(['axe-core failed to run: ' + e]));
                """, WCAG_22_A_AA);
    }

    private static void settle(WebDriver browser) {
        // Layout follows a resize within a frame or two; two animation frames are enough and bounded.
        ((JavascriptExecutor) browser).executeAsyncScript(
                "const d = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => d()));");
    }

    private static String axeScript() {
        try (InputStream in = PageCheck.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js (com.deque.html.axe-core:selenium) is not on the "
                        + "test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
