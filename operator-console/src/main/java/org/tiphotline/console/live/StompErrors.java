package org.tiphotline.console.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.web.socket.messaging.StompSubProtocolErrorHandler;

/**
 * The ERROR frame a client gets when its frame is refused says what was wrong in words, never the server's own
 * exception text: Spring's default copies it, so an unknown command came back as "No enum constant
 * org.springframework.messaging.simp.stomp.StompCommand.send" and a refused subscription named the inbound channel
 * class (found by {@code StompFramesFuzzTest}). The frame is never echoed either: it may hold anything a person
 * typed.
 */
final class StompErrors extends StompSubProtocolErrorHandler {

    static final String MALFORMED = "malformed STOMP frame (expected a STOMP 1.2 command, header lines of name and "
            + "value, and a body ending in NUL)";
    static final String NOT_ALLOWED = "not allowed (this account may not send to or subscribe to that destination)";
    static final String NO_CSRF = "refused (CONNECT must carry the CSRF token of the signed-in page)";
    static final String BAD_CONTENT_TYPE = "malformed content-type header";
    static final String CLOSING = "the session is closing after an earlier error";
    static final String NOT_CONNECTED = "not connected (a session starts with a CONNECT that was accepted)";
    static final String REFUSED = "the frame was refused";

    private static final Logger log = LoggerFactory.getLogger(StompErrors.class);

    @Override
    public Message<byte[]> handleClientMessageProcessingError(Message<byte[]> clientMessage, Throwable ex) {
        StompHeaderAccessor error = StompHeaderAccessor.create(StompCommand.ERROR);
        error.setMessage(reason(clientMessage, ex));
        if (clientMessage != null) {
            StompHeaderAccessor client = MessageHeaderAccessor.getAccessor(clientMessage, StompHeaderAccessor.class);
            if (client != null && client.getReceipt() != null) {
                error.setReceiptId(client.getReceipt());
            }
        }
        error.setLeaveMutable(true);
        return MessageBuilder.createMessage(new byte[0], error.getMessageHeaders());
    }

    static String reason(Message<?> clientMessage, Throwable ex) {
        String reason = classify(clientMessage, ex);
        // The kind of error only: the exception's own text quotes what the client sent.
        log.warn("STOMP frame refused ({}): {}", ex.getClass().getSimpleName(), reason);
        return reason;
    }

    private static String classify(Message<?> clientMessage, Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CsrfException) {
                return NO_CSRF;
            }
            if (t instanceof AccessDeniedException) {
                return NOT_ALLOWED;
            }
            if (t instanceof InvalidMimeTypeException) {
                return BAD_CONTENT_TYPE;
            }
            // Spring's words for a frame that arrived while the session was being closed for an earlier ERROR.
            if (t instanceof IllegalStateException && String.valueOf(t.getMessage()).startsWith("Unknown session")) {
                return CLOSING;
            }
        }
        // No message means the bytes never decoded into a frame.
        return clientMessage == null ? MALFORMED : REFUSED;
    }
}
