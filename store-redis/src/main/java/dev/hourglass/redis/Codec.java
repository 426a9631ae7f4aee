package dev.hourglass.redis;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the hash fields and the scripts' replies; see {@link Script} for the field
 * layout. Every decoder takes what Redis returned as it is (any bytes, any reply shape) and gives
 * the value or {@link CorruptDataException}, never another exception; nothing is allocated by a
 * length read from stored bytes, only by what was actually received.
 */
final class Codec {

    static final byte META = (byte) 0xFF;
    static final byte MARKER = (byte) 0xFE;
    /** The first byte of a reader's lease field ({@code sequence:until}): like the others, never the start of UTF-8. */
    static final byte LEASE = (byte) 0xFD;

    static final byte EXPIRES = 'e';
    static final byte CREATED = 'c';
    static final byte ACCESSED = 'a';
    static final byte VERSION = 'v';
    static final byte STATUS = 's';
    static final byte REASON = 'r';
    static final byte COUNT = 'n';

    /** The longest timestamp prefix of a stored message ({@code -9223372036854775808:}). */
    private static final int MAX_TIMESTAMP_DIGITS = 20;

    private Codec() {}

    static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A decimal long as the scripts store it: an optional '-' and 1..19 digits, no overflow. */
    static long parseLong(byte[] b, String what) {
        if (b == null || b.length == 0 || b.length > 20) {
            throw notANumber(b, what);
        }
        boolean negative = b[0] == '-';
        int i = negative ? 1 : 0;
        if (i == b.length) {
            throw notANumber(b, what);
        }
        long n = 0;
        for (; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw notANumber(b, what);
            }
            if (n < (Long.MIN_VALUE + d) / 10) {
                throw notANumber(b, what);
            }
            n = n * 10 - d;
        }
        if (!negative) {
            if (n == Long.MIN_VALUE) {
                throw notANumber(b, what);
            }
            n = -n;
        }
        return n;
    }

    private static CorruptDataException notANumber(byte[] b, String what) {
        return new CorruptDataException("stored " + what + " is not a number: " + show(b));
    }

    /** The stored bytes for a message: at most 40 of them, non-printable ones as {@code \xNN}. */
    static String show(byte[] b) {
        if (b == null) {
            return "(missing)";
        }
        StringBuilder s = new StringBuilder("'");
        for (int i = 0; i < b.length && i < 40; i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02X", c));
            }
        }
        return s.append(b.length > 40 ? "'..." : "'").toString();
    }

    /** Stored UTF-8 decoded strictly: malformed or non-canonical bytes are corrupt, never replaced. */
    static String text(byte[] b, String what) {
        if (b == null) {
            throw new CorruptDataException("stored " + what + " is missing");
        }
        String s = Text.decodeUtf8(b);
        if (s == null) {
            throw new CorruptDataException("stored " + what + " is not UTF-8: " + show(b));
        }
        return s;
    }

    /** One element of a script's reply as bytes (a bulk string). */
    static byte[] bytes(List<Object> reply, int index, String what) {
        Object o = element(reply, index, what);
        if (o instanceof byte[] b) {
            return b;
        }
        throw wrongShape(o, what);
    }

    /** One element of a script's reply as a number (an integer reply). */
    static long integer(List<Object> reply, int index, String what) {
        Object o = element(reply, index, what);
        if (o instanceof Long n) {
            return n;
        }
        throw wrongShape(o, what);
    }

    private static Object element(List<Object> reply, int index, String what) {
        if (reply == null || index >= reply.size()) {
            throw new CorruptDataException(
                    "the reply has no " + what + " (" + (reply == null ? 0 : reply.size()) + " elements)");
        }
        return reply.get(index);
    }

    private static CorruptDataException wrongShape(Object o, String what) {
        String kind = o == null
                ? "nil"
                : o instanceof byte[]
                        ? "a string"
                        : o instanceof Long ? "an integer" : o instanceof List ? "an array" : "an unknown reply";
        return new CorruptDataException("the reply's " + what + " is " + kind);
    }

    /** Appends the attributes as name/value pairs to {@code args} from {@code at}; returns the next index. */
    static int putAttributes(byte[][] args, int at, Attributes attributes) {
        for (Map.Entry<String, byte[]> e : attributes.toStoredValues().entrySet()) {
            args[at++] = utf8(e.getKey());
            args[at++] = e.getValue();
        }
        return at;
    }

    /** Attributes from decoded names and stored values; a name the API refuses is corrupt data. */
    static Attributes attributes(Map<String, byte[]> values, String whose) {
        try {
            return Attributes.fromStoredValues(values);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stored attributes of " + whose + " are not valid: " + e.getMessage(), e);
        }
    }

    /** A session from a script's flat HGETALL reply, or null when absent or expired at {@code now}. */
    static Session session(String id, List<Object> flat, long now) {
        if (isNil(flat)) {
            return null;
        }
        if (flat.size() % 2 != 0) {
            throw new CorruptDataException("session '" + id + "' came back as " + flat.size() + " hash elements");
        }
        SessionReader r = new SessionReader(flat.size() / 2);
        for (int i = 0; i < flat.size(); i += 2) {
            r.field(
                    bytes(flat, i, "field name of session '" + id + "'"),
                    bytes(flat, i + 1, "field value of session '" + id + "'"));
        }
        return r.session(id, now);
    }

    /** Collects HGETALL's fields as lettuce streams them, without building a map first. */
    static final class SessionReader implements io.lettuce.core.output.KeyValueStreamingChannel<byte[], byte[]> {
        final Map<byte[], byte[]> attributes;
        byte[] expires;
        byte[] created;
        byte[] accessed;
        byte[] version;

        SessionReader(int fields) {
            attributes = new LinkedHashMap<>(Math.max(4, fields * 2));
        }

        @Override
        public void onKeyValue(byte[] key, byte[] value) {
            field(key, value);
        }

        void field(byte[] name, byte[] value) {
            if (name != null && name.length == 2 && name[0] == META) {
                switch (name[1]) {
                    case EXPIRES -> expires = value;
                    case CREATED -> created = value;
                    case ACCESSED -> accessed = value;
                    case VERSION -> version = value;
                    default -> {}
                }
            } else {
                attributes.put(name, value);
            }
        }

        Session session(String id, long now) {
            if (expires == null) {
                return null;
            }
            long e = parseLong(expires, "expiry of session '" + id + "'");
            if (e <= now) {
                return null;
            }
            String whose = "session '" + id + "'";
            Map<String, byte[]> values = new LinkedHashMap<>(Math.max(4, attributes.size() * 2));
            for (Map.Entry<byte[], byte[]> a : attributes.entrySet()) {
                if (a.getValue() == null) {
                    throw new CorruptDataException("an attribute of " + whose + " has no value");
                }
                values.put(text(a.getKey(), "attribute name of " + whose), a.getValue());
            }
            return new Session(
                    id,
                    attributes(values, whose),
                    Instant.ofEpochMilli(parseLong(created, "creation time of " + whose)),
                    Instant.ofEpochMilli(parseLong(accessed, "access time of " + whose)),
                    Instant.ofEpochMilli(e),
                    parseLong(version, "version of " + whose));
        }
    }

    /** The put script's reply {createdAt, version} as the session it wrote. */
    static Session putReply(String id, List<Object> r, Attributes attributes, long now, long expiresAt) {
        return new Session(
                id,
                attributes,
                Instant.ofEpochMilli(parseLong(bytes(r, 0, "creation time"), "creation time")),
                Instant.ofEpochMilli(now),
                Instant.ofEpochMilli(expiresAt),
                parseLong(bytes(r, 1, "version"), "version"));
    }

    /** The cas script's reply {expiresAt, createdAt, version} as the session it wrote, or null (nil). */
    static Session casReply(String id, List<Object> r, Attributes attributes, long now) {
        if (isNil(r)) {
            return null;
        }
        return new Session(
                id,
                attributes,
                Instant.ofEpochMilli(parseLong(bytes(r, 1, "creation time"), "creation time")),
                Instant.ofEpochMilli(now),
                Instant.ofEpochMilli(parseLong(bytes(r, 0, "expiry"), "expiry")),
                parseLong(bytes(r, 2, "version"), "version"));
    }

    /** A stored stream status code. */
    static StreamStatus status(byte[] code, String id) {
        long c = parseLong(code, "status of stream '" + id + "'");
        if (c < 0 || c > Byte.MAX_VALUE) {
            throw new CorruptDataException("stored status of stream '" + id + "' is the unknown code " + c);
        }
        try {
            return StreamStatus.ofCode((int) c);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stored status of stream '" + id + "' is the unknown code " + c, e);
        }
    }

    /** What the next script said: the poll, and the message count it saw when it had nothing to hand out. */
    record Next(Poll poll, long count) {}

    /**
     * The next script's reply {status, reason, count} or {status, reason, sequence, message}; null
     * when nil (the stream is absent or expired). {@link Next#count} is -1 when a message came.
     */
    static Next next(String id, List<Object> r) {
        if (isNil(r)) {
            return null;
        }
        if (r.size() != 3 && r.size() != 4) {
            throw new CorruptDataException("next on stream '" + id + "' replied with " + r.size() + " elements");
        }
        StreamStatus status = status(bytes(r, 0, "status of stream '" + id + "'"), id);
        byte[] why = bytes(r, 1, "failure reason of stream '" + id + "'");
        String reason = status == StreamStatus.FAILED ? text(why, "failure reason of stream '" + id + "'") : null;
        if (r.size() == 4) {
            long sequence = integer(r, 2, "sequence of a message of stream '" + id + "'");
            if (sequence < 1) {
                throw new CorruptDataException("a message of stream '" + id + "' came back with sequence " + sequence);
            }
            Message m = message(sequence, bytes(r, 3, "message " + sequence + " of stream '" + id + "'"), id);
            return new Next(Poll.of(m, status, reason), -1);
        }
        long count = integer(r, 2, "message count of stream '" + id + "'");
        if (count < 0) {
            throw new CorruptDataException("stored message count of stream '" + id + "' is " + count);
        }
        return new Next(Poll.of(null, status, reason), count);
    }

    /** A stored message, {@code timestamp:payload}. */
    static Message message(long sequence, byte[] value, String id) {
        int colon = -1;
        for (int i = 0; i < value.length && i <= MAX_TIMESTAMP_DIGITS; i++) {
            if (value[i] == ':') {
                colon = i;
                break;
            }
        }
        String what = "timestamp of message " + sequence + " of stream '" + id + "'";
        if (colon <= 0) {
            throw new CorruptDataException("stored " + what + " is missing: " + show(value));
        }
        long ts = parseLong(Arrays.copyOf(value, colon), what);
        byte[] payload = Arrays.copyOfRange(value, colon + 1, value.length);
        return new Message(sequence, payload, Instant.ofEpochMilli(ts));
    }

    /** A stream's metadata hash (HGETALL) as its state, or null when absent or expired at {@code now}. */
    static StreamState streamState(String id, Map<byte[], byte[]> hash, long now) {
        if (hash == null || hash.isEmpty()) {
            return null;
        }
        String whose = "stream '" + id + "'";
        Map<String, byte[]> metadata = new LinkedHashMap<>();
        Map<String, Long> markers = new HashMap<>();
        byte[] expires = null;
        byte[] created = null;
        byte[] status = null;
        byte[] reason = null;
        byte[] count = null;
        for (Map.Entry<byte[], byte[]> e : hash.entrySet()) {
            byte[] k = e.getKey();
            byte[] v = e.getValue();
            if (k == null || v == null) {
                throw new CorruptDataException("a field of " + whose + " came back without a name or value");
            }
            if (k.length == 2 && k[0] == META) {
                switch (k[1]) {
                    case EXPIRES -> expires = v;
                    case CREATED -> created = v;
                    case STATUS -> status = v;
                    case REASON -> reason = v;
                    case COUNT -> count = v;
                    default -> {}
                }
            } else if (k.length > 0 && k[0] == MARKER) {
                long at = parseLong(v, "marker of " + whose);
                if (at < 0) {
                    throw new CorruptDataException("stored marker of " + whose + " is " + at);
                }
                markers.put(text(Arrays.copyOfRange(k, 1, k.length), "reader name of " + whose), at);
            } else if (k.length > 0 && k[0] == LEASE) {
                continue;
            } else {
                metadata.put(text(k, "metadata name of " + whose), v);
            }
        }
        if (expires == null) {
            return null;
        }
        long expiresAt = parseLong(expires, "expiry of " + whose);
        if (expiresAt <= now) {
            return null;
        }
        StreamStatus st = status(status, id);
        String why = st == StreamStatus.FAILED && reason != null ? text(reason, "failure reason of " + whose) : null;
        long n = parseLong(count, "message count of " + whose);
        if (n < 0) {
            throw new CorruptDataException("stored message count of " + whose + " is " + n);
        }
        return new StreamState(
                id,
                attributes(metadata, whose),
                st,
                Optional.ofNullable(why),
                n,
                markers,
                Instant.ofEpochMilli(parseLong(created, "creation time of " + whose)),
                Instant.ofEpochMilli(expiresAt));
    }

    /** The sweep script's reply: -1 streams when another node holds the lease. */
    record Swept(long streams, boolean more, List<String> sessions) {}

    /** The sweep script's reply {-1} or {streams removed, 1 when more else 0, session id...}. */
    static Swept swept(List<Object> r) {
        long streams = integer(r, 0, "count of swept streams");
        if (streams < 0) {
            return new Swept(-1, false, List.of());
        }
        long more = integer(r, 1, "more flag of a sweep");
        if (more != 0 && more != 1) {
            throw new CorruptDataException("the reply's more flag of a sweep is " + more);
        }
        List<String> ids = new ArrayList<>(r.size() - 2);
        for (int j = 2; j < r.size(); j++) {
            ids.add(text(bytes(r, j, "swept session id"), "session id in an expiry index"));
        }
        return new Swept(streams, more == 1, ids);
    }

    /** A script's nil reply as lettuce's MULTI output gives it: null, empty, or one null element. */
    static boolean isNil(List<Object> reply) {
        return reply == null || reply.isEmpty() || reply.get(0) == null;
    }

    static byte[] field(byte kind) {
        return new byte[] {META, kind};
    }
}
