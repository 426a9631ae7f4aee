package dev.hourglass.server;

import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.Streams;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * One Server-Sent Events connection: takes the reader's messages from the store as they arrive and
 * writes each as an event ({@code id} = sequence, {@code event: message}, the payload as {@code data}
 * lines; {@code event: message.base64} for payloads that are not UTF-8), then an {@code end} event
 * whose data names the end status ({@code COMPLETED}, {@code FAILED} with the reason, or {@code GONE}
 * when the stream expired or was deleted) and ends the response.
 *
 * <p>The connection is a chain of steps, exactly one in flight at a time: a poll of the store on a
 * worker thread, then one write on the connection's IO thread, then a timer armed on that IO thread
 * that hands the next poll to a worker. Every exchange and channel call and every timer is made on the
 * IO thread: a timer armed from another thread can be lost when the IO thread is about to sleep with
 * no timer of its own, and the connection would then stop for ever. Each step ends in the next step
 * or in the end of the connection, also when a write fails, the client goes away, the worker pool
 * refuses the poll or a callback throws. No thread is held while the stream is idle; idle polls back
 * off to 50 ms. A comment line after {@code keepAlive} of silence keeps proxies from closing the
 * connection and finds clients that went away.
 */
final class EventPump implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EventPump.class);

    private static final int MAX_EVENTS_PER_WRITE = 256;
    private static final int MAX_BYTES_PER_WRITE = 64 * 1024;

    private final StoreServer server;
    private final Streams streams;
    private final HttpServerExchange exchange;
    private final XnioIoThread io;
    private final String id;
    private final String reader;
    private final long keepAliveNanos;
    private final Runnable release;
    private final StreamApi.Backoff backoff = new StreamApi.Backoff();
    private volatile long lastWrite = System.nanoTime();
    private volatile boolean done;

    /**
     * A pump for {@code reader} of stream {@code id}; {@code release} gives back the connection's
     * streaming place when the pump ends.
     */
    EventPump(
            StoreServer server,
            Streams streams,
            HttpServerExchange exchange,
            String id,
            String reader,
            Duration keepAlive,
            Runnable release) {
        this.server = server;
        this.streams = streams;
        this.exchange = exchange;
        this.io = exchange.getIoThread();
        this.id = id;
        this.reader = reader;
        this.keepAliveNanos = keepAlive.toNanos();
        this.release = release;
    }

    /** Sends the response head and a first comment, then starts polling; callable from any thread. */
    void start() {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=UTF-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
        server.register(this);
        ByteBuffer first = ascii(": stream " + id.replaceAll("[\\r\\n]", " ") + "\n\n");
        onIoThread(() -> write(first, false, false));
    }

    /** Ends the response at the next step: on shutdown, so that clients reconnect elsewhere. */
    void stop() {
        done = true;
    }

    /** One poll of the store, on a worker thread; hands what it found to the IO thread. */
    @Override
    public void run() {
        try {
            poll();
        } catch (Throwable e) {
            log.warn("stream '{}' reader '{}': the connection ends on an unexpected failure", id, reader);
            log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
            abort();
        }
    }

    private void poll() {
        if (done || server.stopping() || !exchange.getConnection().isOpen()) {
            onIoThread(this::finish);
            return;
        }
        Events out = new Events();
        boolean end = false;
        try {
            while (out.events < MAX_EVENTS_PER_WRITE && out.size() < MAX_BYTES_PER_WRITE) {
                Optional<Poll> next = streams.next(id, reader);
                if (next.isEmpty()) {
                    out.end("GONE", null);
                    end = true;
                    break;
                }
                Poll p = next.get();
                if (p.message().isPresent()) {
                    out.message(p.message().get());
                } else {
                    if (p.ended()) {
                        out.end(p.status().name(), p.failureReason().orElse(null));
                        end = true;
                    }
                    break;
                }
            }
        } catch (StoreUnavailableException e) {
            log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
            if (out.events == 0) {
                out.comment("store unavailable, retrying");
            }
        } catch (RuntimeException e) {
            ApiException a = ApiException.of(e, server.stopping());
            log.warn("stream '{}' reader '{}' ends: {}", id, reader, a.getMessage());
            log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
            out.error(ApiException.safe(a.status(), a.getMessage()));
            end = true;
        }
        if (out.size() > 0) {
            backoff.reset();
            ByteBuffer buffer = out.toBuffer();
            boolean last = end;
            boolean more = out.events >= MAX_EVENTS_PER_WRITE || out.size() >= MAX_BYTES_PER_WRITE;
            onIoThread(() -> write(buffer, last, more));
        } else if (System.nanoTime() - lastWrite >= keepAliveNanos) {
            onIoThread(() -> write(ascii(":\n\n"), false, false));
        } else {
            long delay = Math.min(
                    backoff.next(), Math.max(1, (keepAliveNanos - (System.nanoTime() - lastWrite)) / 1_000_000));
            onIoThread(() -> later(delay));
        }
    }

    /** Writes {@code buffer} on the IO thread; the write's completion arms the next step. */
    private void write(ByteBuffer buffer, boolean end, boolean more) {
        if (done || !exchange.getConnection().isOpen()) {
            finish();
            return;
        }
        lastWrite = System.nanoTime();
        exchange.getResponseSender().send(buffer, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender s) {
                if (end) {
                    close();
                    ex.endExchange();
                } else if (more) {
                    next();
                } else {
                    later(1);
                }
            }

            @Override
            public void onException(HttpServerExchange ex, Sender s, IOException e) {
                log.debug("stream '{}' reader '{}': client went away ({})", id, reader, e.getMessage());
                abort();
            }
        });
    }

    /** Arms a timer on the IO thread (the caller is on it) for the next poll. */
    private void later(long delayMs) {
        try {
            io.executeAfter(this::next, delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            log.debug("stream '{}' reader '{}': no timer ({})", id, reader, e.getMessage());
            abort();
        }
    }

    /** Hands the next poll to a worker thread; when the pool refuses it, tries again shortly. */
    private void next() {
        try {
            exchange.getConnection().getWorker().execute(this);
        } catch (RejectedExecutionException e) {
            if (server.stopping()) {
                abort();
            } else {
                onIoThread(() -> later(StreamApi.Backoff.MAX_MS));
            }
        }
    }

    /** Runs {@code task} on the connection's IO thread, after the task running there now. */
    private void onIoThread(Runnable task) {
        try {
            io.execute(() -> {
                try {
                    task.run();
                } catch (Throwable e) {
                    log.warn("stream '{}' reader '{}': the connection ends on an unexpected failure", id, reader);
                    log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
                    abort();
                }
            });
        } catch (RuntimeException e) {
            log.debug("stream '{}' reader '{}': IO thread gone ({})", id, reader, e.getMessage());
            abort();
        }
    }

    /** Ends the response normally, on the IO thread. */
    private void finish() {
        close();
        if (exchange.getConnection().isOpen() && !exchange.isComplete()) {
            exchange.endExchange();
        }
    }

    /** Ends the pump and drops the connection. */
    private void abort() {
        close();
        IoUtils.safeClose(exchange.getConnection());
    }

    private void close() {
        done = true;
        server.unregister(this);
        release.run();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Events written into one buffer. */
    private static final class Events extends ByteArrayOutputStream {
        int events;

        Events() {
            super(512);
        }

        void message(Message m) {
            events++;
            line("id: " + m.sequence());
            Optional<String> text = StreamApi.text(m.payload());
            if (text.isPresent()) {
                line("event: message");
                data(text.get());
            } else {
                line("event: message.base64");
                line("data: " + Base64.getEncoder().encodeToString(m.payload()));
            }
            write('\n');
        }

        void end(String status, String reason) {
            events++;
            line("event: end");
            String json = Json.text(Json.write(g -> {
                g.writeStartObject();
                g.writeStringField("status", status);
                if (reason != null) {
                    g.writeStringField("reason", reason);
                }
                g.writeEndObject();
            }));
            line("data: " + json.replace('\n', ' '));
            write('\n');
        }

        void error(String message) {
            events++;
            line("event: error");
            line("data: " + Json.text(Json.error(message)).replace('\n', ' '));
            write('\n');
        }

        void comment(String text) {
            line(": " + text);
            write('\n');
        }

        /** The text as data lines: one per line of the text, whatever its line ends. */
        private void data(String text) {
            int start = 0;
            int n = text.length();
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                if (c == '\r' || c == '\n') {
                    line("data: " + text.substring(start, i));
                    if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    start = i + 1;
                }
            }
            line("data: " + text.substring(start));
        }

        private void line(String s) {
            writeBytes(s.getBytes(StandardCharsets.UTF_8));
            write('\n');
        }

        ByteBuffer toBuffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
