package org.tiphotline.console.offline;

import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import org.tiphotline.offline.OfflineChannel;
import org.tiphotline.offline.OfflineContacts;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Role;

/**
 * Records a contact that did not come through the phone system; the answer names the draft of the registering form
 * to fill, which is then saved and submitted through the reports API like a call's. A create is idempotent with an
 * {@code Idempotency-Key} header (the generic filter): a repeat answers with the first contact, not a second one.
 * The caller's number (backup phone only) is never sent back, only its mask.
 */
@RestController
@RequestMapping("/api/offline-contacts")
class OfflineContactApi {

    /**
     * {@code contactedAt}: local date and time in the jurisdiction's zone ({@code 2026-12-06T14:30});
     * {@code takenBy}: the username of the operator who took the contact, when a supervisor enters it for them.
     */
    record NewContact(String channel, String contactedAt, String takenBy, String callerNumber) {}

    private final OfflineContacts contacts;
    private final Actors actors;

    OfflineContactApi(OfflineContacts contacts, Actors actors) {
        this.contacts = contacts;
        this.actors = actors;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    OfflineContacts.Recorded record(@RequestBody NewContact body, Principal principal) {
        return contacts.record(actors.of(principal), body.channel(), body.contactedAt(), body.takenBy(),
                body.callerNumber());
    }

    /**
     * What the page offers: the channels, and whom the signed-in person may record for (a supervisor: every
     * operator; an operator: themselves only). Staff names, no caller data.
     */
    @GetMapping("/options")
    Map<String, Object> options(Principal principal) {
        Actor actor = actors.of(principal);
        if (!actor.is(Role.OPERATOR, Role.SUPERVISOR)) {
            throw new SecurityException("contacts are recorded by operators and supervisors");
        }
        List<Map<String, String>> takers = actor.is(Role.SUPERVISOR)
                ? contacts.takers().stream().map(o -> Map.of("username", o.username(), "name", o.displayName()))
                        .toList()
                : List.of();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("channels", Arrays.stream(OfflineChannel.values()).map(Enum::name).toList());
        options.put("takers", takers);
        options.put("onBehalf", actor.is(Role.SUPERVISOR));
        return options;
    }
}
