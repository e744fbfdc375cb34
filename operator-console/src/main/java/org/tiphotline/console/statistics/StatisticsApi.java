package org.tiphotline.console.statistics;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.web.Actors;
import org.tiphotline.statistics.Quarter;
import org.tiphotline.statistics.QuarterlyStatistics;

/**
 * The quarterly table as JSON, or as a CSV attachment with {@code format=csv}. Data managers and their leader
 * only (the URL rules say so, and the service refuses anyone else again).
 */
@RestController
@RequestMapping("/api/statistics")
class StatisticsApi {

    private final QuarterlyStatistics statistics;
    private final Actors actors;

    StatisticsApi(QuarterlyStatistics statistics, Actors actors) {
        this.statistics = statistics;
        this.actors = actors;
    }

    /** {@code ?year=2026&quarter=1[&format=json|csv]}. */
    @GetMapping("/quarterly")
    ResponseEntity<?> quarterly(@RequestParam int year, @RequestParam int quarter,
            @RequestParam(required = false) String format, Principal principal) {
        boolean csv = "csv".equals(format);
        if (format != null && !csv && !"json".equals(format)) {
            throw new IllegalArgumentException("format must be csv or json");
        }
        Quarter which = new Quarter(year, quarter);
        QuarterlyStatistics.Report report = statistics.quarter(actors.of(principal), which);
        if (!csv) {
            return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").body(report);
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("registry-statistics-" + which + ".csv", StandardCharsets.UTF_8).build().toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Content-Type-Options", "nosniff")
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(QuarterlyStatistics.csv(report).getBytes(StandardCharsets.UTF_8));
    }
}
