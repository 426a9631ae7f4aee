package dev.hourglass.server;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splits a raw request path into percent-decoded segments, so ids may hold any character, '/' as %2F. */
final class Paths {

    private Paths() {
    }

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
            out.add(decode(rawPath, start, end));
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        return out.toArray(new String[0]);
    }

    private static String decode(String s, int from, int to) {
        int pct = s.indexOf('%', from);
        if (pct < 0 || pct >= to) {
            return s.substring(from, to);
        }
        ByteBuffer bytes = ByteBuffer.allocate((to - from) * 3);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new ApiException(400, "malformed percent-encoding in path segment '" + s.substring(from, to) + "'");
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
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ApiException(400, "path segment '" + s.substring(from, to) + "' is not percent-encoded UTF-8");
        }
    }
}
