package dev.hourglass.redis;

import static dev.hourglass.redis.Codec.ascii;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A stream is a metadata hash (expiry, creation time, status, failure reason, message count,
 * metadata attributes, each reader's marker and lease) and a list of messages
 * ({@code timestamp:payload}), both under the stream's bucket tag so each operation is one script on
 * one Cluster slot. The messages list gets the metadata's remaining TTL when it is created.
 * {@code next} advances the reader's marker in the same script that reads the message, so a message
 * reaches each reader name once across threads, processes and nodes; {@code take} records a lease
 * ({@code sequence:until}) in the same way and {@code ack} moves the marker only for the leased
 * message. Appends, closes, acknowledgements and deletes publish on the stream's wake-up channel in
 * the same script; waiting reads are woken through {@link StreamWakeups}, one pub/sub connection per
 * store shared by all of them.
 */
final class RedisStreams implements StreamBackend, AutoCloseable {

    private final Engine engine;
    private final Keys keys;
    private final long graceMillis;
    private final StreamWakeups wakeups;

    RedisStreams(Engine engine, Keys keys, long graceMillis) {
        this.engine = engine;
        this.keys = keys;
        this.graceMillis = graceMillis;
        this.wakeups = new StreamWakeups(engine, keys);
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
        if (n > 0) {
            wakeups.signal(id);
        }
        if (n == -1) {
            throw new NoSuchStreamException(id);
        }
        if (n < -1) {
            throw new StreamClosedException(id, Codec.status(ascii(-2 - n), id));
        }
        return n;
    }

    @Override
    public CloseResult complete(String id, long now) {
        return close(id, StreamStatus.COMPLETED, "", now);
    }

    @Override
    public CloseResult fail(String id, String reason, long now) {
        return close(id, StreamStatus.FAILED, reason, now);
    }

    private CloseResult close(String id, StreamStatus status, String reason, long now) {
        byte[][] k = streamKeys(id);
        Long r = engine.eval(
                Script.CLOSE,
                ScriptOutputType.INTEGER,
                new byte[][] {k[0], k[2]},
                ascii(now),
                ascii(status.code()),
                Codec.utf8(reason));
        long n = r == null ? 0 : r;
        if (n == 1) {
            wakeups.signal(id);
            return CloseResult.CLOSED;
        }
        if (n == 0) {
            return CloseResult.ABSENT;
        }
        StreamStatus found = Codec.status(ascii(-n), id);
        if (found == StreamStatus.OPEN) {
            throw new CorruptDataException("closing stream '" + id + "' found it open and did not close it");
        }
        return CloseResult.already(found);
    }

    @Override
    public Poll next(String id, String reader, long now) {
        byte[][] k = streamKeys(id);
        List<Object> r =
                engine.eval(Script.NEXT, ScriptOutputType.MULTI, new byte[][] {k[0], k[1]}, ascii(now), marker(reader));
        Codec.Next n = Codec.next(id, r);
        return n == null ? null : n.poll();
    }

    @Override
    public Poll take(String id, String reader, long leaseUntil, long now) {
        byte[][] k = streamKeys(id);
        List<Object> r = engine.eval(
                Script.TAKE,
                ScriptOutputType.MULTI,
                new byte[][] {k[0], k[1]},
                ascii(now),
                marker(reader),
                lease(reader),
                ascii(leaseUntil));
        if (!Codec.isNil(r) && r.size() == 3) {
            long third = Codec.integer(r, 2, "reply of take on stream '" + id + "'");
            if (third < 0) {
                Poll p = Codec.next(id, List.of(r.get(0), r.get(1), 0L)).poll();
                return Poll.held(p.status(), p.failureReason().orElse(null), -third);
            }
        }
        Codec.Next n = Codec.next(id, r);
        return n == null ? null : n.poll();
    }

    @Override
    public boolean ack(String id, String reader, long sequence, long now) {
        byte[][] k = streamKeys(id);
        Long r = engine.eval(
                Script.ACK,
                ScriptOutputType.INTEGER,
                new byte[][] {k[0], k[2]},
                ascii(now),
                marker(reader),
                lease(reader),
                ascii(sequence));
        boolean acked = r != null && r == 1L;
        if (acked) {
            wakeups.signal(id);
        }
        return acked;
    }

    @Override
    public Batch read(String id, long after, int limit, long now) {
        byte[][] k = streamKeys(id);
        List<Object> r = engine.eval(
                Script.READ, ScriptOutputType.MULTI, new byte[][] {k[0], k[1]}, ascii(now), ascii(after), ascii(limit));
        if (Codec.isNil(r)) {
            return null;
        }
        if (r.size() < 3) {
            throw new CorruptDataException("read on stream '" + id + "' replied with " + r.size() + " elements");
        }
        Poll p = Codec.next(id, r.subList(0, 3)).poll();
        long count = Codec.integer(r, 2, "message count of stream '" + id + "'");
        List<Message> out = new ArrayList<>(r.size() - 3);
        for (int i = 3; i < r.size(); i++) {
            long seq = after + i - 2;
            out.add(Codec.message(seq, Codec.bytes(r, i, "message " + seq + " of stream '" + id + "'"), id));
        }
        return new Batch(after, out, p.status(), p.failureReason(), count);
    }

    @Override
    public Watch watch(String id, Runnable onChange) {
        return wakeups.watch(id, onChange);
    }

    @Override
    public void close() {
        wakeups.close();
    }

    private static byte[] lease(String reader) {
        byte[] name = Codec.utf8(reader);
        byte[] field = new byte[name.length + 1];
        field[0] = Codec.LEASE;
        System.arraycopy(name, 0, field, 1, name.length);
        return field;
    }

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
        wakeups.signal(id);
        return r != null && r == 1L;
    }
}
