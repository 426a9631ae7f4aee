package dev.hourglass;

import dev.hourglass.spi.Text;
import java.time.Duration;

/** Argument checks shared by every backend: each failure names the argument and its value. */
final class Checks {

    static final int MAX_ID_BYTES = 256;
    static final int MAX_REASON_CHARS = 4096;
    static final int MAX_PAGE = 10_000;

    private Checks() {}

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
        for (int i = 0, n = id.length(); i < n; i++) {
            char c = id.charAt(i);
            if (isControl(c)) {
                throw new IllegalArgumentException(arg + " must be printable UTF-8 but has control character U+"
                        + String.format("%04X", (int) c) + " at index " + i + ": " + quote(id));
            }
        }
        int bytes = text(arg, id);
        if (bytes > MAX_ID_BYTES) {
            throw new IllegalArgumentException(arg + " must be at most " + MAX_ID_BYTES + " bytes of UTF-8, was "
                    + bytes + " bytes: " + quote(id));
        }
        return id;
    }

    /**
     * Checks that {@code s} is exact text, that is, holds no unpaired surrogate (the one thing a Java
     * string can hold that UTF-8 cannot), and returns the length of its UTF-8 form.
     */
    static int text(String arg, String s) {
        int at = unpairedSurrogate(s);
        if (at >= 0) {
            throw new IllegalArgumentException(arg + " has an unpaired surrogate U+"
                    + String.format("%04X", (int) s.charAt(at)) + " at index " + at + ": " + quote(s));
        }
        return Text.utf8Length(s);
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1. */
    static int unpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    static Duration ttl(Duration ttl) {
        if (ttl == null) {
            throw new IllegalArgumentException("ttl must not be null");
        }
        if (ttl.compareTo(Sessions.MAX_TTL) > 0) {
            throw new IllegalArgumentException(
                    "ttl must be at most " + Sessions.MAX_TTL.toDays() + " days, was " + ttl);
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

    static Merge merge(Merge change, Limits limits) {
        if (change == null) {
            throw new IllegalArgumentException("change must not be null");
        }
        attributes("the attributes change sets", change.set(), limits);
        return change;
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

    /** A failure reason: free text up to 4,096 characters; of the control characters only tab, CR and LF. */
    static String reason(String reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        if (reason.length() > MAX_REASON_CHARS) {
            throw new IllegalArgumentException(
                    "reason must be at most " + MAX_REASON_CHARS + " characters, was " + reason.length());
        }
        for (int i = 0, n = reason.length(); i < n; i++) {
            char c = reason.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                throw new IllegalArgumentException("reason must not hold control character U+"
                        + String.format("%04X", (int) c) + " (at index " + i + "): " + quote(reason));
            }
        }
        text("reason", reason);
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

    /**
     * {@code s} in single quotes for a message: control characters, unpaired surrogates and the line
     * and paragraph separators escaped as {@code \\uXXXX}, cut to about 64 characters.
     */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("'");
        int n = s.length();
        int i = 0;
        for (; i < n && sb.length() < 64; i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                    ? i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (isControl(c) || (Character.isSurrogate(c) && !paired) || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (i < n) {
            if (Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                sb.setLength(sb.length() - 1);
            }
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
