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
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * One Server-Sent Events connection: takes the reader's messages from the store as they arrive and
 * writes each as an event ({@code id} = sequence, {@code event: message}, the payload as {@code data}
 * lines; {@code event: message.base64} for payloads that are not UTF-8), then an {@code end} event
 * whose data names the end status ({@code COMPLETED}, {@code FAILED} with the reason, or {@code GONE}
 * when the stream expired or was deleted) and ends the response.
 *
 * <p>Only one step is in flight at a time: a poll on a worker thread, then one asynchronous write,
 * then a timer. No thread is held while the stream is idle; idle polls back off to 50 ms. A comment
 * line every 15 s keeps proxies from closing the connection and finds clients that went away.
 */
final class EventPump implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(EventPump.class);

    private static final int MAX_EVENTS_PER_WRITE = 256;
    private static final int MAX_BYTES_PER_WRITE = 64 * 1024;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final StoreServer server;
    private final Streams streams;
    private final HttpServerExchange exchange;
    private final String id;
    private final String reader;
    private final StreamApi.Backoff backoff = new StreamApi.Backoff();
    private long lastWrite = System.nanoTime();
    private volatile boolean done;

    EventPump(StoreServer server, Streams streams, HttpServerExchange exchange, String id, String reader) {
        this.server = server;
        this.streams = streams;
        this.exchange = exchange;
        this.id = id;
        this.reader = reader;
    }

    void start() {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream; charset=UTF-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseHeaders().put(new HttpString("X-Accel-Buffering"), "no");
        exchange.getConnection().addCloseListener(c -> done = true);
        server.register(this);
        write(ascii(": stream " + id.replaceAll("[\\r\\n]", " ") + "\n\n"), false, false);
    }

    /** Ends the response at the next step: on shutdown, so that clients reconnect elsewhere. */
    void stop() {
        done = true;
    }

    @Override
    public void run() {
        if (done || server.stopping()) {
            finish();
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
            log.debug("stream '{}' reader '{}': {}", id, reader, e.getMessage());
            if (out.events == 0) {
                out.comment("store unavailable, retrying");
            }
        } catch (RuntimeException e) {
            log.warn("stream '{}' reader '{}' ends on {}", id, reader, e.toString());
            out.error(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            end = true;
        }
        if (out.size() > 0) {
            backoff.reset();
            write(out.toBuffer(), end, out.events >= MAX_EVENTS_PER_WRITE || out.size() >= MAX_BYTES_PER_WRITE);
        } else if (System.nanoTime() - lastWrite >= KEEP_ALIVE_NANOS) {
            write(ascii(":\n\n"), false, false);
        } else {
            schedule(backoff.next());
        }
    }

    private void write(ByteBuffer buffer, boolean end, boolean more) {
        lastWrite = System.nanoTime();
        Sender sender = exchange.getResponseSender();
        if (end) {
            sender.send(buffer, new IoCallback() {
                @Override
                public void onComplete(HttpServerExchange ex, Sender s) {
                    close();
                    ex.endExchange();
                }

                @Override
                public void onException(HttpServerExchange ex, Sender s, IOException e) {
                    close();
                    IoUtils.safeClose(ex.getConnection());
                }
            });
            return;
        }
        sender.send(buffer, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender s) {
                schedule(more ? 0 : 1);
            }

            @Override
            public void onException(HttpServerExchange ex, Sender s, IOException e) {
                log.debug("stream '{}' reader '{}': client went away ({})", id, reader, e.toString());
                close();
                IoUtils.safeClose(ex.getConnection());
            }
        });
    }

    private void schedule(long delayMs) {
        try {
            server.schedule(exchange, this, delayMs);
        } catch (RuntimeException e) {
            close();
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    private void finish() {
        close();
        if (exchange.getConnection().isOpen() && !exchange.isComplete()) {
            exchange.endExchange();
        }
    }

    private void close() {
        done = true;
        server.unregister(this);
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
