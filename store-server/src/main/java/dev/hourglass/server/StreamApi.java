package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourglass.Attributes;
import dev.hourglass.CloseResult;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.Streams;
import io.undertow.util.HttpString;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.xnio.IoUtils;

/**
 * Streams over HTTP under {@code /api/streams/{id}}: open, append, complete, fail, state, delete,
 * {@code next} and Server-Sent Events.
 *
 * <p>{@code next} without {@code lease} is at most once: the reader's marker moves when the message
 * is handed out, so a response lost on the way is a message lost for that reader name. With
 * {@code lease=ms} it is acknowledged delivery: the message is leased to this call and comes back to
 * the next call under the reader name once the lease ends, unless a call acknowledges it first
 * ({@code ack=sequence} on the next call, which then takes the message after it).
 *
 * <p>A waiting {@code next} and an SSE connection hold no thread while idle: they wait on the store's
 * asynchronous reads, which the engine's notification completes. Each takes one of the server's
 * streaming places ({@code --max-streams}) while open.
 */
final class StreamApi {

    /** The header a reconnecting {@code EventSource} sends with the id of the last event it saw. */
    static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");

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
        closed(id, streams.complete(id));
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
        closed(id, streams.fail(id, reason.textValue()));
        status(c, id, StreamStatus.FAILED);
    }

    /** Nothing, when the call closed the stream; else the 404 or 409 that says why not. */
    private static void closed(String id, CloseResult result) {
        switch (result) {
            case CLOSED -> {}
            case ABSENT -> throw missing(id);
            case ALREADY_COMPLETED -> throw new ApiException(409, "stream '" + id + "' is already COMPLETED");
            case ALREADY_FAILED -> throw new ApiException(409, "stream '" + id + "' is already FAILED");
        }
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
     * GET /api/streams/{id}/next?reader=r[&wait=ms][&lease=ms][&ack=n]: the reader's next message with
     * the stream's status. Without {@code lease}, taken at most once; with it, leased to this call
     * until acknowledged ({@code ack} acknowledges message n first, and the answer says whether it
     * did) or until the lease ends. With {@code wait}, answers as soon as a message or the end comes,
     * or when the wait is over.
     */
    void next(Call c) {
        String id = c.param("id");
        String reader = c.reader();
        long wait = c.number("wait", 0, MAX_WAIT_MS);
        long lease = StreamParams.lease(c.query("lease"));
        long ack = StreamParams.ack(c.query("ack"));
        Boolean acked = ack > 0 ? streams.ack(id, reader, ack) : null;
        Duration timeout = Duration.ofMillis(wait);
        Runnable release = wait > 0 ? admission.stream(c.exchange) : () -> {};
        CompletableFuture<Optional<Poll>> f;
        try {
            f = (lease > 0
                            ? streams.takeAsync(id, reader, Duration.ofMillis(lease), timeout)
                            : streams.nextAsync(id, reader, timeout))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
        if (wait > 0) {
            // a client that goes away ends the wait: nothing more is taken for it
            c.exchange.addExchangeCompleteListener((ex, next) -> {
                f.cancel(false);
                next.proceed();
            });
        }
        f.whenComplete((p, e) -> {
            if (!(e instanceof CancellationException)) {
                onIoThread(c, () -> answer(c, id, p, e, acked, release));
            }
        });
    }

    /** Runs {@code task} on the connection's IO thread, where the answer is written without blocking. */
    private static void onIoThread(Call c, Runnable task) {
        try {
            c.exchange.getIoThread().execute(task);
        } catch (RuntimeException e) {
            IoUtils.safeClose(c.exchange.getConnection());
        }
    }

    /** Writes the answer of a next call, from whichever thread completed it. */
    private void answer(Call c, String id, Optional<Poll> p, Throwable e, Boolean acked, Runnable release) {
        try {
            if (e != null) {
                throw e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            }
            Poll poll = p.orElseThrow(() -> missing(id));
            c.json(200, g -> writePoll(g, id, poll, acked));
        } catch (Throwable failed) {
            try {
                c.fail(failed, server.stopping());
            } catch (RuntimeException ignored) {
                release.run();
                IoUtils.safeClose(c.exchange.getConnection());
            }
        }
    }

    /**
     * GET /api/streams/{id}/events?reader=r[&from=n]: Server-Sent Events until the stream ends. With
     * a {@code Last-Event-ID} header (a reconnecting browser sends the last id it saw) or {@code from},
     * the events are the messages after that sequence, read without a marker, so a client that
     * reconnects resumes with neither a loss nor a repeat; otherwise the reader's marker is used, at
     * most once as {@code next} is.
     */
    void events(Call c) {
        String id = c.param("id");
        String reader = c.reader();
        long after = StreamParams.resumeAfter(c.header(LAST_EVENT_ID), c.query("from"));
        if (streams.state(id).isEmpty()) {
            throw missing(id);
        }
        Runnable release = admission.stream(c.exchange);
        new EventPump(server, streams, c.exchange, id, reader, after, keepAlive, release).start();
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

    static void writePoll(JsonGenerator g, String id, Poll p, Boolean acked) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("success", true);
        g.writeObjectFieldStart("data");
        g.writeStringField("streamId", id);
        if (acked != null) {
            g.writeBooleanField("acked", acked);
        }
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
        if (p.heldUntil().isPresent()) {
            g.writeStringField("heldUntil", p.heldUntil().get().toString());
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
