package dev.hourglass.server;

import dev.hourglass.Batch;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * One Server-Sent Events connection: writes the stream's messages as they arrive, each as an event
 * ({@code id} = sequence, {@code event: message}, the payload as {@code data} lines;
 * {@code event: message.base64} for payloads that are not UTF-8), then an {@code end} event whose
 * data names the end status ({@code COMPLETED}, {@code FAILED} with the reason, or {@code GONE} when
 * the stream expired or was deleted) and ends the response.
 *
 * <p>Two ways to read: from a sequence ({@code after} &gt;= 0, from {@code Last-Event-ID} or
 * {@code from}), with cursor reads that touch no marker, so a reconnecting client resumes exactly
 * after the last event it saw; or through the reader's marker (at most once, as {@code next}).
 *
 * <p>The connection is a chain of steps, exactly one in flight at a time: an asynchronous read of the
 * store, started on a worker thread, that completes when a message or the end arrives or after
 * {@code keepAlive} of silence (then a comment line keeps proxies from closing the connection and
 * finds clients that went away); then one write on the connection's IO thread, whose completion
 * starts the next read. No thread is held while the stream is idle: the engine's notification
 * completes the read. Every exchange and channel call and every timer is made on the IO thread. Each
 * step ends in the next step or in the end of the connection, also when a write fails, the client
 * goes away, the worker pool refuses the step or a callback throws.
 */
final class EventPump implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EventPump.class);

    private static final int MAX_EVENTS_PER_WRITE = 256;
    private static final int MAX_BYTES_PER_WRITE = 64 * 1024;
    /** How long to wait before reading again when the store was unavailable. */
    private static final long RETRY_MS = 50;

    private final StoreServer server;
    private final Streams streams;
    private final HttpServerExchange exchange;
    private final XnioIoThread io;
    private final String id;
    private final String reader;
    private final long keepAliveNanos;
    private final Runnable release;
    /** The sequence the next cursor read starts after; -1 when reading through the reader's marker. */
    private volatile long cursor;

    private volatile CompletableFuture<?> waiting;
    private volatile boolean done;

    /**
     * A pump for {@code reader} of stream {@code id}, from after sequence {@code after} (or through the
     * reader's marker when it is -1); {@code release} gives back the connection's streaming place when
     * the pump ends.
     */
    EventPump(
            StoreServer server,
            Streams streams,
            HttpServerExchange exchange,
            String id,
            String reader,
            long after,
            Duration keepAlive,
            Runnable release) {
        this.server = server;
        this.streams = streams;
        this.exchange = exchange;
        this.io = exchange.getIoThread();
        this.id = id;
        this.reader = reader;
        this.cursor = after;
        this.keepAliveNanos = keepAlive.toNanos();
        this.release = release;
    }

    /** Sends the response head and a first comment, then starts reading; callable from any thread. */
    void start() {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=UTF-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
        server.register(this);
        exchange.getConnection().addCloseListener(c -> stop());
        ByteBuffer first = ascii(": stream " + id.replaceAll("[\\r\\n]", " ") + "\n\n");
        onIoThread(() -> write(first, false));
    }

    /** Ends the response at once (on shutdown, so that clients reconnect elsewhere, or when the client left). */
    void stop() {
        done = true;
        CompletableFuture<?> w = waiting;
        if (w != null) {
            w.cancel(false);
        }
    }

    /** Starts one asynchronous read, on a worker thread; its completion hands what it found to the IO thread. */
    @Override
    public void run() {
        try {
            if (done || server.stopping() || !exchange.getConnection().isOpen()) {
                onIoThread(this::finish);
                return;
            }
            Duration wait = Duration.ofNanos(keepAliveNanos);
            long after = cursor;
            CompletableFuture<?> w;
            if (after >= 0) {
                CompletableFuture<Optional<Batch>> f =
                        streams.readAsync(id, after, MAX_EVENTS_PER_WRITE, wait).toCompletableFuture();
                f.whenComplete((b, e) -> completed(e, () -> batch(b)));
                w = f;
            } else {
                CompletableFuture<Optional<Poll>> f =
                        streams.nextAsync(id, reader, wait).toCompletableFuture();
                f.whenComplete((p, e) -> completed(e, () -> polls(p)));
                w = f;
            }
            waiting = w;
            if (done) {
                w.cancel(false);
            }
        } catch (Throwable e) {
            failed(e);
        }
    }

    /** What a read found, or why it failed, turned into the next write. */
    private void completed(Throwable e, java.util.function.Supplier<Events> found) {
        try {
            if (e instanceof CancellationException || done) {
                onIoThread(this::finish);
                return;
            }
            Events out;
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                out = failure(cause);
                if (out == null) {
                    onIoThread(() -> later(RETRY_MS));
                    return;
                }
            } else {
                out = found.get();
            }
            if (out.size() == 0) {
                out.comment("");
            }
            ByteBuffer buffer = out.toBuffer();
            boolean last = out.end;
            onIoThread(() -> write(buffer, last));
        } catch (Throwable t) {
            failed(t);
        }
    }

    /** The events of a cursor read; moves the cursor past them. */
    private Events batch(Optional<Batch> found) {
        Events out = new Events();
        if (found.isEmpty()) {
            out.end("GONE", null);
            return out;
        }
        Batch b = found.get();
        for (Message m : b.messages()) {
            out.message(m);
        }
        cursor = b.last();
        if (b.ended()) {
            out.end(b.status().name(), b.failureReason().orElse(null));
        }
        return out;
    }

    /** The events of a read through the marker: the message that came, then as many more as wait, up to one write. */
    private Events polls(Optional<Poll> first) {
        Events out = new Events();
        Optional<Poll> next = first;
        try {
            while (true) {
                if (next.isEmpty()) {
                    out.end("GONE", null);
                    return out;
                }
                Poll p = next.get();
                if (p.message().isEmpty()) {
                    if (p.ended()) {
                        out.end(p.status().name(), p.failureReason().orElse(null));
                    }
                    return out;
                }
                out.message(p.message().get());
                if (out.events >= MAX_EVENTS_PER_WRITE || out.size() >= MAX_BYTES_PER_WRITE) {
                    return out;
                }
                next = streams.next(id, reader);
            }
        } catch (RuntimeException e) {
            Events f = failure(e);
            if (f != null) {
                out.writeBytes(f.toByteArray());
                out.end = f.end;
            }
            return out;
        }
    }

    /** An error event that ends the stream, or null when the store was unavailable and the read is retried. */
    private Events failure(Throwable e) {
        if (e instanceof StoreUnavailableException) {
            log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
            return null;
        }
        ApiException a = ApiException.of(e, server.stopping());
        log.warn("stream '{}' reader '{}' ends: {}", id, reader, a.getMessage());
        log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
        Events out = new Events();
        out.error(ApiException.safe(a.status(), a.getMessage()));
        out.end = true;
        return out;
    }

    private void failed(Throwable e) {
        log.warn("stream '{}' reader '{}': the connection ends on an unexpected failure", id, reader);
        log.debug("stream '{}' reader '{}': {}", id, reader, ApiException.redactedCause(e));
        abort();
    }

    /** Writes {@code buffer} on the IO thread; the write's completion arms the next step. */
    private void write(ByteBuffer buffer, boolean end) {
        if (done || !exchange.getConnection().isOpen()) {
            finish();
            return;
        }
        exchange.getResponseSender().send(buffer, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender s) {
                if (end) {
                    close();
                    ex.endExchange();
                } else {
                    next();
                }
            }

            @Override
            public void onException(HttpServerExchange ex, Sender s, IOException e) {
                log.debug("stream '{}' reader '{}': client went away ({})", id, reader, e.getMessage());
                abort();
            }
        });
    }

    /** Arms a timer on the IO thread (the caller is on it) for the next read. */
    private void later(long delayMs) {
        try {
            io.executeAfter(this::next, delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            log.debug("stream '{}' reader '{}': no timer ({})", id, reader, e.getMessage());
            abort();
        }
    }

    /** Hands the next read to a worker thread; when the pool refuses it, tries again shortly. */
    private void next() {
        try {
            exchange.getConnection().getWorker().execute(this);
        } catch (RejectedExecutionException e) {
            if (server.stopping()) {
                abort();
            } else {
                onIoThread(() -> later(RETRY_MS));
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
        stop();
        server.unregister(this);
        release.run();
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Events written into one buffer. */
    private static final class Events extends ByteArrayOutputStream {
        int events;
        boolean end;

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
            end = true;
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
            line(text.isEmpty() ? ":" : ": " + text);
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
