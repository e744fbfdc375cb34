package org.tiphotline.console.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The quick exit's address is checked at start-up: one that cannot work, or runs script, stops the start. */
class QuickExitUrlTest {

    private static OnlineFormSettings with(String url) {
        return new OnlineFormSettings(10, Duration.ofMinutes(10), 10_000, url);
    }

    @Test
    void aPageOfThisServerOrAnHttpAddressIsTaken() {
        assertThat(with("/weather.html").quickExitUrl()).isEqualTo("/weather.html");
        assertThat(with("https://www.example.org/search?q=weather+today").quickExitUrl())
                .startsWith("https://www.example.org/");
        assertThat(with("http://example.org").quickExitUrl()).isEqualTo("http://example.org");
    }

    @Test
    void scriptOtherSitesWithoutSchemeAndBrokenAddressesAreRefused() {
        for (String bad : new String[] {"javascript:alert(1)", "//evil.example/x", "weather.html", "",
                "https://", "/weather page.html", "/x\"onmouseover=\"y", "data:text/html,hello", "https:///x"}) {
            assertThatThrownBy(() -> with(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("quick-exit-url");
        }
        assertThatThrownBy(() -> with(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
