package dev.hourglass.server;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's limits on open connections, requests waiting for a worker thread and streaming
 * connections (see {@link Connections}). Each count is taken on the IO thread before any work is
 * queued and given back exactly once, whichever of completion or connection close comes first; a
 * request over a limit is answered at once with 503 and {@code Retry-After}.
 */
final class Admission {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);

    private static final AttachmentKey<Boolean> COUNTED = AttachmentKey.create(Boolean.class);

    private final Connections limits;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();

    Admission(Connections limits) {
        this.limits = limits;
    }

    /**
     * Counts the exchange's connection on its first request; answers 503 and closes it when that
     * would exceed {@code maxConnections}.
     *
     * @return whether the request may go on
     */
    boolean connection(HttpServerExchange exchange) {
        ServerConnection c = exchange.getConnection();
        if (c.getAttachment(COUNTED) != null) {
            return true;
        }
        if (connections.incrementAndGet() > limits.maxConnections()) {
            connections.decrementAndGet();
            exchange.setPersistent(false);
            Call.error(
                    exchange,
                    503,
                    "the server has " + limits.maxConnections()
                            + " open connections, its limit (option --max-connections); retry later");
            return false;
        }
        c.putAttachment(COUNTED, Boolean.TRUE);
        c.addCloseListener(closed -> connections.decrementAndGet());
        return true;
    }

    /**
     * Runs {@code task} on a worker thread, unless {@code maxPending} requests already wait for or run
     * on one: then answers 503.
     */
    void dispatch(HttpServerExchange exchange, Runnable task) {
        if (pending.incrementAndGet() > limits.maxPending()) {
            pending.decrementAndGet();
            Call.error(
                    exchange,
                    503,
                    "the server has " + limits.maxPending()
                            + " requests waiting for a worker, its limit (option --max-pending); retry later");
            return;
        }
        Once done = new Once(pending);
        exchange.addExchangeCompleteListener((ex, next) -> {
            done.run();
            next.proceed();
        });
        try {
            exchange.dispatch(() -> {
                try {
                    task.run();
                } finally {
                    done.run();
                }
            });
        } catch (RejectedExecutionException e) {
            done.run();
            log.debug("request refused by the worker pool: {}", e.getMessage());
            Call.error(exchange, 503, "the server is shutting down or overloaded; retry later");
        }
    }

    /**
     * Takes one of the {@code maxStreams} places for an SSE connection or a waiting long poll. It is
     * given back when the exchange completes or when the returned task runs, whichever comes first:
     * the caller runs it on every path that ends its work without completing the exchange.
     *
     * @throws ApiException 503 when every place is taken
     */
    Runnable stream(HttpServerExchange exchange) {
        if (streams.incrementAndGet() > limits.maxStreams()) {
            streams.decrementAndGet();
            throw new ApiException(
                    503,
                    "the server has " + limits.maxStreams()
                            + " streaming connections, its limit (option --max-streams); retry later");
        }
        Once done = new Once(streams);
        exchange.addExchangeCompleteListener((ex, next) -> {
            done.run();
            next.proceed();
        });
        return done;
    }

    int connections() {
        return connections.get();
    }

    int pending() {
        return pending.get();
    }

    int streams() {
        return streams.get();
    }

    /** Gives one count back, the first time only. */
    private static final class Once extends AtomicBoolean implements Runnable {
        private final AtomicInteger count;

        Once(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
