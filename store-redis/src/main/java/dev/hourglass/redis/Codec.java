package dev.hourglass.redis;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Session;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the hash fields; see {@link Script} for the field layout. */
final class Codec {

    static final byte META = (byte) 0xFF;
    static final byte MARKER = (byte) 0xFE;
    static final byte EXPIRES = 'e';
    static final byte CREATED = 'c';
    static final byte ACCESSED = 'a';
    static final byte VERSION = 'v';
    static final byte STATUS = 's';
    static final byte REASON = 'r';
    static final byte COUNT = 'n';

    private Codec() {
    }

    static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long parseLong(byte[] b, String what) {
        if (b == null || b.length == 0 || b.length > 20) {
            throw new CorruptDataException("stored " + what + " is not a number: " + show(b));
        }
        int i = 0;
        boolean negative = b[0] == '-';
        if (negative) {
            i = 1;
            if (b.length == 1) {
                throw new CorruptDataException("stored " + what + " is not a number: " + show(b));
            }
        }
        long n = 0;
        for (; i < b.length; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new CorruptDataException("stored " + what + " is not a number: " + show(b));
            }
            n = n * 10 + d;
        }
        return negative ? -n : n;
    }

    private static String show(byte[] b) {
        return b == null ? "(missing)" : "'" + new String(b, 0, Math.min(b.length, 40), StandardCharsets.UTF_8) + "'";
    }

    /** Appends the attributes as name/value pairs to {@code args} from {@code at}; returns the next index. */
    static int putAttributes(byte[][] args, int at, Attributes attributes) {
        for (String name : attributes.names()) {
            args[at++] = utf8(name);
            args[at++] = attributes.bytes(name);
        }
        return at;
    }

    /** A session from a script's flat HGETALL reply, or null when absent or expired at {@code now}. */
    static Session session(String id, List<Object> flat, long now) {
        if (isNil(flat)) {
            return null;
        }
        SessionReader r = new SessionReader(flat.size() / 2);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            r.field((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return r.session(id, now);
    }

    /** Collects HGETALL's fields as lettuce streams them, without building a map first. */
    static final class SessionReader implements io.lettuce.core.output.KeyValueStreamingChannel<byte[], byte[]> {
        final Map<String, byte[]> attributes;
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
            if (name.length == 2 && name[0] == META) {
                switch (name[1]) {
                    case EXPIRES -> expires = value;
                    case CREATED -> created = value;
                    case ACCESSED -> accessed = value;
                    case VERSION -> version = value;
                    default -> {
                    }
                }
            } else {
                attributes.put(new String(name, StandardCharsets.UTF_8), value);
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
            return new Session(id, Attributes.of(attributes),
                    Instant.ofEpochMilli(parseLong(created, "creation time of session '" + id + "'")),
                    Instant.ofEpochMilli(parseLong(accessed, "access time of session '" + id + "'")),
                    Instant.ofEpochMilli(e), parseLong(version, "version of session '" + id + "'"));
        }
    }

    /** A script's nil reply as lettuce's MULTI output gives it: null, empty, or one null element. */
    static boolean isNil(List<Object> reply) {
        return reply == null || reply.isEmpty() || reply.get(0) == null;
    }

    static byte[] field(byte kind) {
        return new byte[] {META, kind};
    }
}
