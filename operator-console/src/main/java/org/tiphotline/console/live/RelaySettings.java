package org.tiphotline.console.live;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where live messages meet when the hotline runs on more than one node: RabbitMQ's STOMP plugin, through Spring's
 * broker relay. Without a host each node keeps its own in-process broker, as a single node always has.
 *
 * @param host RabbitMQ's STOMP listener (empty: no relay, the single-node in-process broker)
 * @param port its STOMP port (61613 unless set)
 * @param login the RabbitMQ user every node connects as (RabbitMQ lets its own {@code guest} in from loopback only)
 * @param passcode that user's password
 * @param virtualHost the RabbitMQ virtual host; always sent, so a browser's own {@code host} header never chooses it
 */
@ConfigurationProperties("hotline.live.relay")
record RelaySettings(String host, Integer port, String login, String passcode, String virtualHost) {

    RelaySettings {
        host = host == null || host.isBlank() ? null : host.strip();
        port = port == null ? 61613 : port;
        login = login == null || login.isBlank() ? "guest" : login;
        passcode = passcode == null ? "guest" : passcode;
        virtualHost = virtualHost == null || virtualHost.isBlank() ? "/" : virtualHost;
    }

    boolean enabled() {
        return host != null;
    }

    @Override
    public String toString() {
        // Never the passcode: settings end up in logs and error messages.
        return "RelaySettings[" + (enabled() ? host + ":" + port + " as " + login + " on " + virtualHost : "off") + "]";
    }
}
