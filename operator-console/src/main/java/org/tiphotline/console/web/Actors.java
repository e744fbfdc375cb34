package org.tiphotline.console.web;

import java.security.Principal;
import org.springframework.stereotype.Component;
import org.tiphotline.operators.Actor;
import org.tiphotline.operators.Operators;

/** Resolves the signed-in principal to the core's {@link Actor}, which every service call names. */
@Component
public class Actors {

    private final Operators operators;

    Actors(Operators operators) {
        this.operators = operators;
    }

    public Actor of(Principal principal) {
        return operators.byUsername(principal.getName())
                .map(op -> new Actor(op.id(), op.username(), op.role()))
                .orElseThrow(() -> new SecurityException("the signed-in user no longer exists"));
    }
}
