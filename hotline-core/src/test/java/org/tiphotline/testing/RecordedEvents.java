package org.tiphotline.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;

/** Every object published as an application event in the context, in publication order. */
public final class RecordedEvents implements ApplicationListener<ApplicationEvent> {

    private final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof PayloadApplicationEvent<?> payload) {
            events.add(payload.getPayload());
        }
    }

    public void clear() {
        events.clear();
    }

    public List<Object> all() {
        return List.copyOf(events);
    }

    public <T> List<T> ofType(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
