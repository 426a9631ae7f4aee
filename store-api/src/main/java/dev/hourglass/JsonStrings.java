package dev.hourglass;

import java.nio.charset.StandardCharsets;

/** The text of a JSON string, read without Jackson from a value {@code JsonSyntax} has checked. */
final class JsonStrings {

    private JsonStrings() {}

    /** The text of the JSON value in {@code b[from, to)} when it is a string; null when it is another value. */
    static String unquote(byte[] b, int from, int to) {
        int i = from;
        while (i < to && isSpace(b[i])) {
            i++;
        }
        if (i >= to || b[i] != '"') {
            return null;
        }
        i++;
        int runStart = i;
        StringBuilder out = null;
        while (b[i] != '"') {
            if (b[i] != '\\') {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(to - from);
            }
            out.append(new String(b, runStart, i - runStart, StandardCharsets.UTF_8));
            byte e = b[i + 1];
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append((char) Integer.parseInt(new String(b, i + 2, 4, StandardCharsets.US_ASCII), 16));
                default -> out.append((char) e);
            }
            i += e == 'u' ? 6 : 2;
            runStart = i;
        }
        String run = new String(b, runStart, i - runStart, StandardCharsets.UTF_8);
        return out == null ? run : out.append(run).toString();
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
