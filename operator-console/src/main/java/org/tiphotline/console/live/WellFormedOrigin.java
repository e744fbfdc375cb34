package org.tiphotline.console.live;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses a handshake whose Origin is not an origin at all ({@code http://exa mple.org}, {@code %zz}) with 403,
 * as a foreign one is: Spring's same-origin check, which runs after this, throws on such a value and the
 * handshake ended in a 500 with a stack trace in the log. No browser sends one, so nothing is logged either.
 */
final class WellFormedOrigin implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
            WebSocketHandler wsHandler, Map<String, Object> attributes) {
        List<String> origins = request.getHeaders().getOrEmpty("Origin");
        if (origins.isEmpty() || origins.size() == 1 && wellFormed(origins.get(0))) {
            return true;
        }
        response.setStatusCode(HttpStatus.FORBIDDEN);
        return false;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
            Exception exception) {
    }

    /** RFC 6454's serialisation: "null", or scheme://host with an optional port, and nothing else. */
    static boolean wellFormed(String origin) {
        if (origin.equals("null")) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            return uri.getScheme() != null && uri.getHost() != null && uri.getRawUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getPort() <= 65_535;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
