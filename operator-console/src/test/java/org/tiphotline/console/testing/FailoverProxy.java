package org.tiphotline.console.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A load balancer in front of two nodes, as small as a test needs: each new TCP connection on a loopback port goes
 * to the first node that accepts it, so everything goes to node A until A stops, and to node B from then on.
 * Connections already open end when their node closes them, as behind a real load balancer.
 */
public final class FailoverProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Integer> targets;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    public FailoverProxy(int... targetPorts) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        targets = java.util.Arrays.stream(targetPorts).boxed().toList();
        Thread.ofPlatform().daemon().name("failover-proxy").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The address a browser uses: "localhost", like the nodes' own, so cookies are sent the same way. */
    public String base() {
        return "http://localhost:" + port();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket node = connectToFirstUp();
                if (node == null) {
                    client.close();
                    continue;
                }
                open.add(client);
                open.add(node);
                pipe(client, node);
                pipe(node, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private Socket connectToFirstUp() {
        for (int port : targets) {
            Socket node = new Socket();
            try {
                node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                return node;
            } catch (IOException down) {
                closeQuietly(node);
            }
        }
        return null;
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // One side closed: the other follows below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(this::closeQuietly);
    }
}
