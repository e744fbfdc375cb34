package org.tiphotline.telephony.twilio;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingRequestValueException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * A webhook Twilio sent with a parameter missing or unreadable is answered 400 with what is wrong (Twilio's
 * debugger shows it to whoever runs the account), never a 500; the same for each of Twilio's webhook controllers.
 */
@RestControllerAdvice(assignableTypes = {TwilioWebhooks.class, TwilioOperatorWebhooks.class,
        TwilioEscalationWebhooks.class, TwilioCallbackWebhooks.class})
@ConditionalOnProperty(prefix = "hotline.telephony.twilio", name = "enabled", havingValue = "true")
class TwilioBadRequests {

    @ExceptionHandler({IllegalArgumentException.class, MissingRequestValueException.class,
            MethodArgumentTypeMismatchException.class})
    ResponseEntity<String> badRequest(Exception e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.TEXT_PLAIN).body(e.getMessage());
    }
}
