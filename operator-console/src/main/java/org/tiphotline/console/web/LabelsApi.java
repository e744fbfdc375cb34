package org.tiphotline.console.web;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.labels.Labels;

/**
 * The words for every code, for the pages' {@code App.label}. Public like the stylesheet: it holds wording only,
 * and the sign-in and error pages need it before anyone is signed in.
 */
@RestController
class LabelsApi {

    /** {@code lang}: the words in that language where translated (labels_<lang>.properties), English otherwise. */
    @GetMapping("/api/labels")
    ResponseEntity<Map<String, String>> labels(@RequestParam(name = "lang", required = false) String lang) {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(5, TimeUnit.MINUTES)).body(Labels.all(lang));
    }
}
