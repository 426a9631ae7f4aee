package dev.hourglass;

import java.time.Duration;

/** Argument checks of the limiter specs and calls: each failure names the argument and its value. */
final class RateLimitChecks {

    static final int MAX_NAME_CHARS = 64;
    static final int MAX_PERMIT_ID_BYTES = 64;
    /** So that kind, name and key fit in one 256-byte stored id. */
    static final int MAX_KEY_BYTES = 180;

    private RateLimitChecks() {}

    static String name(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (name.isEmpty() || name.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException(
                    "name must be 1.." + MAX_NAME_CHARS + " characters, was " + name.length() + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("name must hold only A-Z a-z 0-9 . _ - but has U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
        }
        return name;
    }

    static long positive(String arg, long value, long max) {
        if (value <= 0 || value > max) {
            throw new IllegalArgumentException(arg + " must be 1.." + max + ", was " + value);
        }
        return value;
    }

    static Duration duration(String arg, Duration d, Duration max) {
        if (d == null) {
            throw new IllegalArgumentException(arg + " must not be null");
        }
        if (d.isNegative() || d.toMillis() == 0) {
            throw new IllegalArgumentException(arg + " must be at least 1 ms, was " + d);
        }
        if (d.compareTo(max) > 0) {
            throw new IllegalArgumentException(arg + " must be at most " + max.toDays() + " days, was " + d);
        }
        return d;
    }

    static String key(String key) {
        Checks.checkId("key", key);
        // A char is at most 3 bytes of UTF-8, so short keys need no count.
        if (key.length() <= MAX_KEY_BYTES / 3) {
            return key;
        }
        int bytes = Checks.text("key", key);
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be at most " + MAX_KEY_BYTES + " bytes of UTF-8, was " + bytes
                    + " bytes: '" + key.substring(0, Math.min(key.length(), 61)) + "...'");
        }
        return key;
    }

    static long take(long n, long limit) {
        if (n <= 0 || n > limit) {
            throw new IllegalArgumentException("n must be 1.." + limit + " (the limit), was " + n);
        }
        return n;
    }

    static String permitId(String id) {
        Checks.checkId("permitId", id);
        if (id.length() > MAX_PERMIT_ID_BYTES
                || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PERMIT_ID_BYTES) {
            throw new IllegalArgumentException("permitId must be at most " + MAX_PERMIT_ID_BYTES + " bytes, was '"
                    + id.substring(0, Math.min(id.length(), 80)) + "'");
        }
        return id;
    }
}
