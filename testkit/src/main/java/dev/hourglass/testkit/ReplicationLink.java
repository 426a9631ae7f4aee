package dev.hourglass.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on a free loopback port between a replica and its master, which a test can hold: while
 * held, nothing the master sends reaches the replica (the relay keeps what it read and stops
 * reading, so the rest waits in the master's socket), as when a replica lags behind. If the master dies meanwhile, what it sent since
 * the hold is gone with the relayed connection, as it would be with a lagging replica.
 */
final class ReplicationLink implements AutoCloseable {

    private static final int BUFFER = 16 * 1024;
    private static final long HOLD_POLL_MILLIS = 5;

    private final int masterPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean held;
    private volatile boolean closed;

    ReplicationLink(int masterPort) {
        this.masterPort = masterPort;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(FreePorts.loopback(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a replication link on " + FreePorts.HOST, e);
        }
        acceptor = new Thread(this::accept, "replication-link-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port the replica replicates from. */
    int port() {
        return server.getLocalPort();
    }

    void hold() {
        held = true;
    }

    void release() {
        held = false;
    }

    private void accept() {
        while (!closed) {
            Socket replica;
            try {
                replica = server.accept();
            } catch (IOException e) {
                return;
            }
            Socket master = new Socket();
            sockets.add(replica);
            sockets.add(master);
            try {
                master.connect(new InetSocketAddress(FreePorts.loopback(), masterPort), 1_000);
                master.setTcpNoDelay(true);
                replica.setTcpNoDelay(true);
            } catch (IOException e) {
                closeBoth(replica, master);
                continue;
            }
            pump(replica, master, false);
            pump(master, replica, true);
        }
    }

    private void pump(Socket from, Socket to, boolean holdable) {
        Thread t = new Thread(
                () -> {
                    byte[] buffer = new byte[BUFFER];
                    try {
                        InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream();
                        while (true) {
                            int n = in.read(buffer);
                            if (n < 0) {
                                return;
                            }
                            while (holdable && held) {
                                if (from.isClosed() || to.isClosed()) {
                                    return;
                                }
                                Thread.sleep(HOLD_POLL_MILLIS);
                            }
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    } catch (IOException | InterruptedException e) {
                        // the connection ended; the finally block closes both sides
                    } finally {
                        closeBoth(from, to);
                    }
                },
                "replication-link-pump-" + from.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private void closeBoth(Socket a, Socket b) {
        for (Socket s : new Socket[] {a, b}) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
            sockets.remove(s);
        }
    }

    /** Cuts every relayed connection at once, dropping what a hold kept back. */
    void cut() {
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException e) {
                // already closed
            }
            sockets.remove(s);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
