package org.tiphotline.console.live;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.support.AbstractSubscribableChannel;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.DelegatingWebSocketMessageBrokerConfiguration;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.messaging.SubProtocolWebSocketHandler;

/**
 * A session closed after an ERROR frame gets that frame first. Spring sends ERROR and closes at once; when another
 * thread is still writing the previous frame (a CONNECTED a moment ago), the ERROR waits in the session's buffer,
 * and the close marks the session closing, which discards that buffer: the client saw its session end without the
 * reason (measured: 11 sessions in 400 with CONNECTED then a refused frame, {@code StompFramesFuzzTest}). So a
 * close first lets the frames already accepted for sending go out, within the send time limit.
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

        FlushingSession(WebSocketSession delegate, int sendTimeLimit, int bufferSizeLimit) {
            super(delegate, sendTimeLimit, bufferSizeLimit);
        }

        @Override
        public void close(CloseStatus status) throws IOException {
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
