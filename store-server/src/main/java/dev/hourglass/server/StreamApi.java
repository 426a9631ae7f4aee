package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourglass.Attributes;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.Streams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * Streams over HTTP under {@code /api/streams/{id}}: open, append, complete, fail, state, delete,
 * {@code next} (exactly once per reader, optionally waiting) and Server-Sent Events.
 *
 * <p>A waiting {@code next} and an SSE connection hold no thread while idle: each re-polls the store
 * without blocking, on a worker thread, from a timer armed on the connection's IO thread, backing off
 * from 1 to 50 ms. Each takes one of the server's streaming places ({@code --max-streams}) while open.
 */
final class StreamApi {

    /** The longest {@code wait} a next call may ask for. */
    static final long MAX_WAIT_MS = 60_000;

    private final StoreServer server;
    private final Streams streams;
    private final Duration defaultTtl;
    private final Duration keepAlive;
    private final Admission admission;

    StreamApi(StoreServer server, Streams streams, Duration defaultTtl, Duration keepAlive, Admission admission) {
        this.server = server;
        this.streams = streams;
        this.defaultTtl = defaultTtl;
        this.keepAlive = keepAlive;
        this.admission = admission;
    }

    /** POST /api/streams/{id}[?ttl=s] with optional metadata (a JSON object): 201, or 409 when it exists. */
    void open(Call c) {
        String id = c.param("id");
        Attributes metadata =
                c.hasBody() ? Json.attributes(Json.parseObject(c.body(), "stream metadata")) : Attributes.empty();
        Duration ttl = c.ttl(defaultTtl);
        if (!streams.open(id, metadata, ttl)) {
            throw new ApiException(409, "stream '" + id + "' already exists");
        }
        c.data(201, g -> {
            g.writeStringField("streamId", id);
            g.writeStringField("status", StreamStatus.OPEN.name());
            g.writeNumberField("ttlSeconds", ttl.toSeconds());
        });
    }

    /** POST /api/streams/{id}/messages: the body, as it is, becomes the next message. */
    void append(Call c) {
        String id = c.param("id");
        long sequence = streams.append(id, c.body() == null ? new byte[0] : c.body());
        c.data(200, g -> {
            g.writeStringField("streamId", id);
            g.writeNumberField("sequence", sequence);
        });
    }

    /** POST /api/streams/{id}/complete. */
    void complete(Call c) {
        String id = c.param("id");
        if (!streams.complete(id)) {
            throw notOpen(id);
        }
        status(c, id, StreamStatus.COMPLETED);
    }

    /** POST /api/streams/{id}/fail with {"reason": "..."}. */
    void fail(Call c) {
        String id = c.param("id");
        ObjectNode body = Json.parseObject(c.body(), "request body");
        JsonNode reason = body.get("reason");
        if (reason == null || reason.isNull()) {
            throw new ApiException(400, "reason is required");
        }
        if (!reason.isTextual()) {
            throw new ApiException(400, "reason must be a string, was " + Json.kind(reason));
        }
        if (!streams.fail(id, reason.textValue())) {
            throw notOpen(id);
        }
        status(c, id, StreamStatus.FAILED);
    }

    private ApiException notOpen(String id) {
        return streams.state(id)
                .map(s -> new ApiException(409, "stream '" + id + "' is already " + s.status()))
                .orElseGet(() -> missing(id));
    }

    private static void status(Call c, String id, StreamStatus status) {
        c.data(200, g -> {
            g.writeStringField("streamId", id);
            g.writeStringField("status", status.name());
        });
    }

    /** GET /api/streams/{id}: status, metadata, message count and read markers. */
    void state(Call c) {
        String id = c.param("id");
        StreamState s = streams.state(id).orElseThrow(() -> missing(id));
        c.data(200, g -> {
            g.writeStringField("streamId", s.id());
            g.writeStringField("status", s.status().name());
            if (s.failureReason().isPresent()) {
                g.writeStringField("failureReason", s.failureReason().get());
            }
            g.writeNumberField("messageCount", s.messageCount());
            g.writeObjectFieldStart("markers");
            for (Map.Entry<String, Long> m : s.markers().entrySet()) {
                g.writeNumberField(m.getKey(), m.getValue());
            }
            g.writeEndObject();
            g.writeFieldName("metadata");
            Json.writeAttributes(g, s.metadata());
            g.writeStringField("createdAt", s.createdAt().toString());
            g.writeStringField("expiresAt", s.expiresAt().toString());
        });
    }

    /** DELETE /api/streams/{id}. */
    void delete(Call c) {
        String id = c.param("id");
        if (!streams.delete(id)) {
            throw missing(id);
        }
        c.ok();
    }

    /**
     * GET /api/streams/{id}/next?reader=r[&wait=ms]: the reader's next unread message, taken exactly
     * once, with the stream's status; with {@code wait}, answers as soon as a message or the end comes,
     * or when the wait is over.
     */
    void next(Call c) {
        String id = c.param("id");
        String reader = c.reader();
        long wait = c.number("wait", 0, MAX_WAIT_MS);
        Runnable release = wait > 0 ? admission.stream(c.exchange) : () -> {};
        new LongPoll(c, id, reader, System.nanoTime() + wait * 1_000_000L, release).run();
    }

    /** GET /api/streams/{id}/events?reader=r: Server-Sent Events until the stream ends. */
    void events(Call c) {
        String id = c.param("id");
        String reader = c.reader();
        if (streams.state(id).isEmpty()) {
            throw missing(id);
        }
        Runnable release = admission.stream(c.exchange);
        new EventPump(server, streams, c.exchange, id, reader, keepAlive, release).start();
    }

    static ApiException missing(String id) {
        return new ApiException(404, "stream '" + id + "' does not exist or has expired");
    }

    /** The payload as text when it is UTF-8, else empty. */
    static Optional<String> text(byte[] payload) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static void writePoll(JsonGenerator g, String id, Poll p) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("success", true);
        g.writeObjectFieldStart("data");
        g.writeStringField("streamId", id);
        if (p.message().isPresent()) {
            Message m = p.message().get();
            g.writeObjectFieldStart("message");
            g.writeNumberField("sequence", m.sequence());
            Optional<String> text = text(m.payload());
            if (text.isPresent()) {
                g.writeStringField("payload", text.get());
            } else {
                g.writeStringField("payloadBase64", Base64.getEncoder().encodeToString(m.payload()));
            }
            g.writeStringField("timestamp", m.timestamp().toString());
            g.writeEndObject();
        } else {
            g.writeNullField("message");
        }
        g.writeStringField("status", p.status().name());
        g.writeBooleanField("ended", p.ended());
        if (p.failureReason().isPresent()) {
            g.writeStringField("failureReason", p.failureReason().get());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * One next call, re-polled until a message, the end, or the deadline: each poll on a worker
     * thread, each wait on a timer armed on the connection's IO thread (a timer armed from another
     * thread can be lost while the IO thread goes to sleep). Every path answers or drops the
     * connection, and gives back the streaming place.
     */
    private final class LongPoll implements Runnable {
        private final Call call;
        private final String id;
        private final String reader;
        private final long deadline;
        private final Runnable release;
        private final Backoff backoff = new Backoff();

        LongPoll(Call call, String id, String reader, long deadline, Runnable release) {
            this.call = call;
            this.id = id;
            this.reader = reader;
            this.deadline = deadline;
            this.release = release;
        }

        @Override
        public void run() {
            try {
                if (!call.exchange.getConnection().isOpen()) {
                    release.run();
                    return;
                }
                Poll p = streams.next(id, reader).orElseThrow(() -> missing(id));
                long left = deadline - System.nanoTime();
                if (p.message().isPresent() || p.ended() || left <= 0 || server.stopping()) {
                    call.json(200, g -> writePoll(g, id, p));
                    return;
                }
                long delay = Math.min(backoff.next(), Math.max(1, left / 1_000_000L));
                XnioIoThread io = call.exchange.getIoThread();
                io.execute(() -> io.executeAfter(this::resume, delay, TimeUnit.MILLISECONDS));
            } catch (Throwable e) {
                answer(e);
            }
        }

        /** On the IO thread when the timer fires: the next poll, on a worker. */
        private void resume() {
            try {
                call.exchange.getConnection().getWorker().execute(this);
            } catch (RuntimeException e) {
                answer(new ApiException(503, server.stopping() ? ApiException.STOPPING : ApiException.UNAVAILABLE));
            }
        }

        private void answer(Throwable e) {
            try {
                call.fail(e, server.stopping());
            } catch (RuntimeException failed) {
                release.run();
                IoUtils.safeClose(call.exchange.getConnection());
            }
        }
    }

    /** Poll back-off: 1, 2, 4 ... 50 ms, reset when something arrives. */
    static final class Backoff {
        static final long MAX_MS = 50;
        private long next = 1;

        long next() {
            long d = next;
            next = Math.min(next * 2, MAX_MS);
            return d;
        }

        void reset() {
            next = 1;
        }
    }
}
