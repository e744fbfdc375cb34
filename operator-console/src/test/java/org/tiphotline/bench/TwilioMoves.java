package org.tiphotline.bench;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Sees every request to the Twilio REST stub: a POST to a call with a {@code Url} is the adapter moving that call
 * (to an operator, or back to the hold loop), and the URL is what Twilio would fetch next. The runs that play the
 * caller's side wait on {@link #of} for it.
 */
final class TwilioMoves implements ServeEventListener {

    private final Map<String, BlockingQueue<String>> moves = new ConcurrentHashMap<>();

    /** The moves of call {@code sid}, in order; the queue exists from the first call of this method. */
    BlockingQueue<String> of(String sid) {
        return moves.computeIfAbsent(sid, s -> new LinkedBlockingQueue<>());
    }

    void forget(String sid) {
        moves.remove(sid);
    }

    @Override
    public void beforeResponseSent(ServeEvent event, Parameters parameters) {
        var request = event.getRequest();
        String url = request.getUrl();
        int calls = url.indexOf("/Calls/");
        if (!"POST".equals(request.getMethod().getName()) || calls < 0) {
            return;
        }
        String sid = url.substring(calls + "/Calls/".length()).replaceFirst("\\.json.*", "");
        for (String pair : request.getBodyAsString().split("&")) {
            if (pair.startsWith("Url=")) {
                of(sid).add(URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public String getName() {
        return "bench-call-moves";
    }
}
