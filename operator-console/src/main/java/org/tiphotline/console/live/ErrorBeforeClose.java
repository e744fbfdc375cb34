package org.tiphotline.console.live;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * A session closed after an ERROR frame gets that frame first. Spring sends ERROR and closes at once; when another
 * thread is still writing the previous frame (a CONNECTED a moment ago), the ERROR waits in the session's buffer,
 * and the close marks the session closing, which discards that buffer: the client saw its session end without the
 * reason (measured: 11 sessions in 400 with CONNECTED then a refused frame, {@code StompFramesFuzzTest}). So a
 * close first lets the frames already accepted for sending go out, within the send time limit; nothing is accepted
 * after an ERROR frame or the start of a close.
 *
 * <p>This is Spring's own {@code @EnableWebSocketMessageBroker} configuration with the session decorator replaced,
 * which is the documented way to change what that annotation sets up.
 */
@Configuration
class ErrorBeforeClose extends DelegatingWebSocketMessageBrokerConfiguration {

    /** Buffered frames that have not gone out after this long are not going to: close anyway. */
    private static final long MAX_WAIT_MS = 2_000;

    @Override
    @Bean
    public WebSocketHandler subProtocolWebSocketHandler(AbstractSubscribableChannel clientInboundChannel,
            AbstractSubscribableChannel clientOutboundChannel) {
        SubProtocolWebSocketHandler handler = new SubProtocolWebSocketHandler(clientInboundChannel,
                clientOutboundChannel) {
            @Override
            protected WebSocketSession decorateSession(WebSocketSession session) {
                return new FlushingSession(session, getSendTimeLimit(), getSendBufferSizeLimit());
            }
        };
        handler.setPhase(getPhase());
        return handler;
    }

    static final class FlushingSession extends ConcurrentWebSocketSessionDecorator {

        private static final byte[] ERROR = "ERROR\n".getBytes(StandardCharsets.US_ASCII);

        /** Set by an ERROR frame or a close: what is sent from then on (a RECEIPT, a second ERROR) comes too late. */
        private volatile boolean closing;

        FlushingSession(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit) {
            super(delegate, sendTimeLimit, bufferSizeLimit);
        }

        @Override
        public void sendMessage(WebSocketMessage<?> message) throws IOException {
            if (closing) {
                return;
            }
            if (isError(message)) {
                // Spring closes the session after every ERROR frame, as STOMP says: nothing may follow it.
                closing = true;
            }
            super.sendMessage(message);
        }

        private static boolean isError(WebSocketMessage<?> message) {
            return message instanceof TextMessage text ? text.getPayload().startsWith("ERROR\n")
                    : message instanceof BinaryMessage binary && startsWith(binary.getPayload(), ERROR);
        }

        private static boolean startsWith(ByteBuffer payload, byte[] prefix) {
            if (payload.remaining() < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (payload.get(payload.position() + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close(CloseStatus status) throws IOException {
            closing = true;
            if (!CloseStatus.SESSION_NOT_RELIABLE.equals(status)) {
                awaitSent(Math.min(MAX_WAIT_MS, getSendTimeLimit()));
            }
            super.close(status);
        }

        /**
         * Waits until nothing is buffered and nothing is being written, seen twice a millisecond apart: between
         * taking a frame off the buffer and starting to write it, the writer briefly shows neither.
         */
        private void awaitSent(long maxWaitMs) throws IOException {
            long deadline = System.nanoTime() + maxWaitMs * 1_000_000;
            int quiet = 0;
            while (quiet < 2 && System.nanoTime() < deadline) {
                boolean idle = getBufferSize() == 0 && getTimeSinceSendStarted() == 0;
                quiet = idle ? quiet + 1 : 0;
                if (quiet < 2) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while flushing before close");
                    }
                }
            }
        }
    }
}
