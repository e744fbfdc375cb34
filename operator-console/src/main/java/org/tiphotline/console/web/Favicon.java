package org.tiphotline.console.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.view.RedirectView;

/** Browsers and tools that ask for {@code /favicon.ico} by habit get the icon, not a 404 on every page. */
@RestController
class Favicon {

    @GetMapping("/favicon.ico")
    RedirectView icon() {
        RedirectView view = new RedirectView("/favicon.svg");
        view.setStatusCode(HttpStatus.MOVED_PERMANENTLY);
        return view;
    }
}
