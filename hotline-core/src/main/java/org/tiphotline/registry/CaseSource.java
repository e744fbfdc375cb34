package org.tiphotline.registry;

import java.util.UUID;

/** A report a case is made of, from one of the three channels. */
public sealed interface CaseSource {

    enum Channel { HOTLINE, ONLINE, SCREENING }

    UUID report();

    Channel channel();

    record Hotline(UUID report) implements CaseSource {
        public Channel channel() {
            return Channel.HOTLINE;
        }
    }

    record Online(UUID report) implements CaseSource {
        public Channel channel() {
            return Channel.ONLINE;
        }
    }

    record Screening(UUID report) implements CaseSource {
        public Channel channel() {
            return Channel.SCREENING;
        }
    }

    static CaseSource of(Channel channel, UUID report) {
        return switch (channel) {
            case HOTLINE -> new Hotline(report);
            case ONLINE -> new Online(report);
            case SCREENING -> new Screening(report);
        };
    }
}
