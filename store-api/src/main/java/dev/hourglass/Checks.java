package dev.hourglass;

import java.time.Duration;
import java.util.Set;

/** Argument checks shared by every backend: each failure names the argument and its value. */
final class Checks {

    static final int MAX_ID_BYTES = 256;
    static final int MAX_REASON_CHARS = 4096;
    static final int MAX_PAGE = 10_000;

    private Checks() {
    }

    static String id(String id) {
        return checkId("id", id);
    }

    static String reader(String reader) {
        return checkId("reader", reader);
    }

    static String checkId(String arg, String id) {
        if (id == null) {
            throw new IllegalArgumentException(arg + " must not be null");
        }
        if (id.isEmpty()) {
            throw new IllegalArgumentException(arg + " must not be empty");
        }
        int bytes = 0;
        for (int i = 0, n = id.length(); i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                throw new IllegalArgumentException(arg + " must be printable UTF-8 but has control character U+"
                        + String.format("%04X", (int) c) + " at index " + i + ": '" + printable(id) + "'");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                    continue;
                }
                throw new IllegalArgumentException(arg + " has an unpaired surrogate at index " + i + ": '" + printable(id) + "'");
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes > MAX_ID_BYTES) {
            throw new IllegalArgumentException(arg + " must be at most " + MAX_ID_BYTES + " bytes of UTF-8, was "
                    + bytes + " bytes: '" + printable(id) + "'");
        }
        return id;
    }

    static Duration ttl(Duration ttl) {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl must not be null");
        }
        if (ttl.compareTo(Sessions.MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be at most " + Sessions.MAX_TTL.toDays() + " days, was " + ttl);
        }
        if (ttl.isNegative() || ttl.toMillis() == 0) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        return ttl;
    }

    static Attributes attributes(String arg, Attributes attributes, Limits limits) {
        if (attributes == null) {
            throw new IllegalArgumentException(arg + " must not be null; use Attributes.empty()");
        }
        long size = attributes.byteSize();
        if (size > limits.maxSessionBytes()) {
            throw new IllegalArgumentException(arg + " take " + size + " bytes, above this store's limit of "
                    + limits.maxSessionBytes() + " bytes per session (option maxSessionBytes)");
        }
        return attributes;
    }

    static Set<String> names(String arg, Set<String> names) {
        if (names == null) {
            throw new IllegalArgumentException(arg + " must not be null; use Set.of()");
        }
        for (String n : names) {
            if (n == null) {
                throw new IllegalArgumentException(arg + " must not contain null");
            }
        }
        return names;
    }

    static byte[] payload(byte[] payload, Limits limits) {
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null");
        }
        if (payload.length > limits.maxMessageBytes()) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes, above this store's limit of "
                    + limits.maxMessageBytes() + " bytes per message (option maxMessageBytes)");
        }
        return payload;
    }

    static String reason(String reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        if (reason.length() > MAX_REASON_CHARS) {
            throw new IllegalArgumentException("reason must be at most " + MAX_REASON_CHARS + " characters, was "
                    + reason.length());
        }
        return reason;
    }

    static int limit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", was " + limit);
        }
        return limit;
    }

    static int batch(String arg, int size) {
        if (size > MAX_PAGE) {
            throw new IllegalArgumentException(arg + " must hold at most " + MAX_PAGE + " entries, held " + size);
        }
        return size;
    }

    static Duration timeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
        }
        if (timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("timeout must be at most 1 hour, was " + timeout);
        }
        return timeout;
    }

    static long expiry(long now, Duration ttl) {
        return now + ttl.toMillis();
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 64) {
            sb.setLength(61);
            sb.append("...");
        }
        return sb.toString();
    }
}
