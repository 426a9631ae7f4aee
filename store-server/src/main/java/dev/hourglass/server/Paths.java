package dev.hourglass.server;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a raw request path into percent-decoded segments, so ids may hold any character, '/' as %2F;
 * percent-decoding of path and query is strict UTF-8 (no malformed, overlong or surrogate bytes).
 */
final class Paths {

    /** The most bytes of UTF-8 in an id or reader name: the store's own rule. */
    static final int MAX_NAME_BYTES = 256;

    private Paths() {}

    static String[] segments(String rawPath) {
        int start = 0;
        int scheme = rawPath.indexOf("://");
        if (scheme >= 0 && scheme < rawPath.indexOf('/')) {
            int slash = rawPath.indexOf('/', scheme + 3);
            rawPath = slash < 0 ? "/" : rawPath.substring(slash);
        }
        if (rawPath.startsWith("/")) {
            start = 1;
        }
        List<String> out = new ArrayList<>(6);
        int len = rawPath.length();
        if (start >= len) {
            return new String[0];
        }
        while (true) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? len : slash;
            out.add(decode(rawPath.substring(start, end), "path segment"));
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return out.toArray(new String[0]);
    }

    /** {@code raw} percent-decoded as UTF-8; a 400 naming {@code what} when it is not. */
    static String decode(String raw, String what) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteBuffer bytes = ByteBuffer.allocate(raw.length() * 3);
        int to = raw.length();
        for (int i = 0; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < to ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new ApiException(400, "malformed percent-encoding in " + what + " '" + abbreviate(raw) + "'");
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                bytes.put(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        bytes.flip();
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(400, what + " '" + abbreviate(raw) + "' is not percent-encoded UTF-8");
        }
    }

    /**
     * {@code name} when it is 1 to 256 bytes of printable UTF-8 (no C0 or C1 control characters, no
     * unpaired surrogates), the rule the store applies to ids and reader names; else a 400 naming
     * {@code arg}.
     */
    static String checkName(String arg, String name) {
        if (name.isEmpty()) {
            throw new ApiException(400, arg + " must not be empty");
        }
        int bytes = 0;
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                throw new ApiException(
                        400,
                        arg + " must be printable UTF-8 but has control character U+" + String.format("%04X", (int) c)
                                + " at index " + i);
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(name.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                    continue;
                }
                throw new ApiException(400, arg + " has an unpaired surrogate at index " + i);
            }
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes > MAX_NAME_BYTES) {
            throw new ApiException(
                    400, arg + " must be at most " + MAX_NAME_BYTES + " bytes of UTF-8, was " + bytes + " bytes");
        }
        return name;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
