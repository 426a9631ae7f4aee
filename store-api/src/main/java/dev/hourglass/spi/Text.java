package dev.hourglass.spi;

import java.nio.charset.StandardCharsets;

/**
 * Exact text for backends: the store's one definition of well-formed UTF-8, shared so every engine
 * stores text exactly or refuses it.
 */
public final class Text {

    private Text() {}

    /**
     * The length of the UTF-8 form of {@code s}; an unpaired surrogate counts 3 bytes (the store refuses
     * such text before a backend sees it).
     *
     * @throws NullPointerException when {@code s} is null
     */
    public static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * The text of {@code b} when it is well-formed UTF-8 ({@link #malformedUtf8}), or {@code null}; never
     * replaces a malformed sequence.
     *
     * @throws IllegalArgumentException when {@code b} is null
     */
    public static String decodeUtf8(byte[] b) {
        return malformedUtf8(b, 0, b == null ? 0 : b.length) < 0 ? new String(b, StandardCharsets.UTF_8) : null;
    }

    /**
     * The index of the first byte of {@code b[from, to)} that starts an ill-formed UTF-8 sequence, or
     * -1 when the range is well-formed UTF-8 as Unicode defines it (table 3-7): shortest form only, no
     * surrogates (so no CESU-8), nothing above U+10FFFF.
     *
     * @throws IllegalArgumentException when {@code b} is null or the range does not fit in it
     */
    public static int malformedUtf8(byte[] b, int from, int to) {
        if (b == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        if (from < 0 || to < from || to > b.length) {
            throw new IllegalArgumentException(
                    "range [" + from + ", " + to + ") does not fit in " + b.length + " bytes");
        }
        int i = from;
        while (i < to) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) {
                    lo = 0xA0;
                } else if (c == 0xED) {
                    hi = 0x9F;
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    lo = 0x90;
                } else if (c == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                return i;
            }
            if (to - i <= need) {
                return i;
            }
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int next = b[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}
