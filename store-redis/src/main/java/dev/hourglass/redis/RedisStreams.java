package dev.hourglass.redis;

import static dev.hourglass.redis.Codec.ascii;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XReadArgs;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stream is a metadata hash (expiry, creation time, status, failure reason, message count,
 * metadata attributes and each reader's marker) and a list of messages ({@code timestamp:payload}),
 * both under the stream's bucket tag so each operation is one script on one Cluster slot. The
 * messages list gets the metadata's remaining TTL when it is created. {@code next} advances the
 * reader's marker in the same script that reads the message, so a message reaches each reader name
 * exactly once across threads, processes and nodes. Appends and closes also add an entry to the
 * stream's wake-up key, on which blocking reads wait with XREAD BLOCK on connections of their own
 * (option {@code blockingConnections}); beyond that many concurrent waiters, reads poll with the
 * store's back-off (1 ms growing to 50 ms).
 */
final class RedisStreams implements StreamBackend {

    private final Engine engine;
    private final Keys keys;
    private final long graceMillis;
    private final int maxBlocking;

    RedisStreams(Engine engine, Keys keys, long graceMillis, int maxBlocking) {
        this.engine = engine;
        this.keys = keys;
        this.graceMillis = graceMillis;
        this.maxBlocking = maxBlocking;
    }

    @Override
    public boolean open(String id, Attributes metadata, long now, long expiresAt) {
        byte[] raw = Codec.utf8(id);
        int b = keys.bucket(raw);
        byte[][] args = new byte[4 + 2 * metadata.size()][];
        args[0] = ascii(now);
        args[1] = ascii(expiresAt);
        args[2] = ascii(Math.max(1, expiresAt - now + graceMillis));
        args[3] = raw;
        Codec.putAttributes(args, 4, metadata);
        Long r = engine.eval(
                Script.STREAM_OPEN,
                ScriptOutputType.INTEGER,
                new byte[][] {keys.meta(b, raw), keys.messages(b, raw), keys.streamIndex(b), keys.wake(b, raw)},
                args);
        return r != null && r == 1L;
    }

    /** The stream's metadata, messages and wake-up keys. */
    private byte[][] streamKeys(String id) {
        byte[] raw = Codec.utf8(id);
        int b = keys.bucket(raw);
        return new byte[][] {keys.meta(b, raw), keys.messages(b, raw), keys.wake(b, raw)};
    }

    @Override
    public long append(String id, byte[] payload, long now) {
        byte[] ts = ascii(now);
        byte[] value = new byte[ts.length + 1 + payload.length];
        System.arraycopy(ts, 0, value, 0, ts.length);
        value[ts.length] = ':';
        System.arraycopy(payload, 0, value, ts.length + 1, payload.length);
        Long r = engine.eval(Script.APPEND, ScriptOutputType.INTEGER, streamKeys(id), ascii(now), value);
        long n = r == null ? -1 : r;
        if (n == -1) {
            throw new NoSuchStreamException(id);
        }
        if (n < -1) {
            long code = -2 - n;
            if (code >= StreamStatus.values().length) {
                throw new CorruptDataException("stored status of stream '" + id + "' is the unknown code " + code);
            }
            throw new StreamClosedException(id, StreamStatus.ofCode((int) code));
        }
        return n;
    }

    @Override
    public boolean complete(String id, long now) {
        return close(id, StreamStatus.COMPLETED, "", now);
    }

    @Override
    public boolean fail(String id, String reason, long now) {
        return close(id, StreamStatus.FAILED, reason, now);
    }

    private boolean close(String id, StreamStatus status, String reason, long now) {
        byte[][] k = streamKeys(id);
        Long r = engine.eval(
                Script.CLOSE,
                ScriptOutputType.INTEGER,
                new byte[][] {k[0], k[2]},
                ascii(now),
                ascii(status.code()),
                Codec.utf8(reason));
        return r != null && r == 1L;
    }

    @Override
    public Poll next(String id, String reader, long now) {
        byte[][] k = streamKeys(id);
        List<Object> r =
                engine.eval(Script.NEXT, ScriptOutputType.MULTI, new byte[][] {k[0], k[1]}, ascii(now), marker(reader));
        Codec.Next n = Codec.next(id, r);
        if (n == null || n.poll().message().isPresent() || n.poll().status() != StreamStatus.OPEN) {
            SEEN.remove();
        } else {
            SEEN.set(new Seen(id, n.count()));
        }
        return n == null ? null : n.poll();
    }

    /**
     * Blocks on a connection of its own (XREAD BLOCK on the stream's wake-up key, from the position
     * the caller's last {@code next} saw) until an append or close, or the deadline; at most one
     * second per call. Without a preceding empty {@code next} on this thread, or when all blocking
     * connections are lent, it returns false and the store polls instead.
     */
    @Override
    @SuppressWarnings("unchecked")
    public boolean awaitChange(String id, long deadlineNanos) throws InterruptedException {
        Seen seen = SEEN.get();
        long left = deadlineNanos - System.nanoTime();
        if (seen == null || !seen.id.equals(id) || left < 1_000_000) {
            return false;
        }
        Engine.Blocking b = engine.borrowBlocking(maxBlocking);
        if (b == null) {
            return false;
        }
        long blockMillis = Math.min(1_000, left / 1_000_000);
        boolean healthy = false;
        try {
            engine.awaitUntil(
                    "blocking read",
                    b.async()
                            .xread(
                                    XReadArgs.Builder.block(blockMillis).count(1),
                                    XReadArgs.StreamOffset.from(streamKeys(id)[2], seen.count + "-0")),
                    System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(blockMillis)
                            + engine.timeout().toNanos());
            healthy = true;
        } finally {
            engine.returnBlocking(b, healthy);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    /** What this thread's last {@code next} saw of an open stream with nothing to read. */
    private record Seen(String id, long count) {}

    private static final ThreadLocal<Seen> SEEN = new ThreadLocal<>();

    private static byte[] marker(String reader) {
        byte[] name = Codec.utf8(reader);
        byte[] field = new byte[name.length + 1];
        field[0] = Codec.MARKER;
        System.arraycopy(name, 0, field, 1, name.length);
        return field;
    }

    @Override
    public StreamState state(String id, long now) {
        Map<byte[], byte[]> hash = engine.await("stream state", engine.async().hgetall(streamKeys(id)[0]));
        return Codec.streamState(id, hash, now);
    }

    @Override
    public boolean delete(String id, long now) {
        byte[] raw = Codec.utf8(id);
        int b = keys.bucket(raw);
        Long r = engine.eval(
                Script.STREAM_DELETE,
                ScriptOutputType.INTEGER,
                new byte[][] {keys.meta(b, raw), keys.messages(b, raw), keys.streamIndex(b), keys.wake(b, raw)},
                ascii(now),
                raw);
        return r != null && r == 1L;
    }
}
