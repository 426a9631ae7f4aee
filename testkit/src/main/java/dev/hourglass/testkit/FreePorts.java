package dev.hourglass.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {

    static final String HOST = "127.0.0.1";

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 100;

    private FreePorts() {}

    /**
     * Returns a TCP port that is free on {@code 127.0.0.1} and that this JVM has not handed out
     * before, so servers started concurrently never get the same port.
     *
     * @throws IllegalStateException if no such port could be found
     */
    public static int next() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = bindEphemeral();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + HOST + " after " + ATTEMPTS + " attempts ("
                + HANDED_OUT.size() + " ports already handed out by this JVM)");
    }

    /** Whether nothing listens on {@code port} of {@code 127.0.0.1}, so that it can be bound. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int bindEphemeral() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(loopback(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a port on " + HOST, e);
        }
    }
}
