package org.tiphotline.console.screening;

import java.security.Principal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.tiphotline.console.web.Actors;
import org.tiphotline.intake.FormField;
import org.tiphotline.screening.ScreeningForm;
import org.tiphotline.screening.Screenings;

/** Agency reporters submit screening forms; what they get back is a receipt, never the data. */
@RestController
@RequestMapping("/api")
class ScreeningApi {

    private final Screenings screenings;
    private final ScreeningForm form;
    private final Actors actors;

    ScreeningApi(Screenings screenings, ScreeningForm form, Actors actors) {
        this.screenings = screenings;
        this.form = form;
        this.actors = actors;
    }

    @GetMapping("/forms/screening")
    Collection<FormField> screeningForm() {
        return form.fields();
    }

    @PostMapping("/screenings")
    @ResponseStatus(HttpStatus.CREATED)
    Screenings.Receipt submit(@RequestBody Map<String, Object> values, Principal principal) {
        return screenings.submit(values, actors.of(principal));
    }

    @GetMapping("/screenings/receipts")
    List<Screenings.Receipt> receipts(Principal principal) {
        return screenings.receipts(actors.of(principal));
    }
}
