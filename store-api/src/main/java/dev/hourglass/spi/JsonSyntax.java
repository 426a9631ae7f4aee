package dev.hourglass.spi;

/**
 * Whether bytes hold exactly one JSON value by this server's rules, checked in one pass without
 * allocating: RFC 8259 syntax; strict UTF-8 (no overlong forms, no encoded surrogates, so no CESU-8);
 * escapes that pair every surrogate (an escaped high surrogate followed by an escaped low one);
 * arrays and objects nested at most {@link #MAX_DEPTH} deep; numbers of at most
 * {@link #MAX_NUMBER_CHARS} characters with an exponent of at most {@link #MAX_EXPONENT_DIGITS}
 * digits. The store checks every JSON attribute value with it when the value is written and when it is
 * read back from an engine, and the HTTP server checks request bodies with it before they are parsed,
 * so what is accepted can always be given back exactly.
 */
public final class JsonSyntax {

    /** The deepest nesting of arrays and objects accepted. */
    public static final int MAX_DEPTH = 512;

    /** The longest number, in characters. */
    public static final int MAX_NUMBER_CHARS = 1000;

    /** The most digits an exponent may have. */
    public static final int MAX_EXPONENT_DIGITS = 9;

    private static final RuntimeException END = new RuntimeException(null, null, false, false) {};

    private final byte[] b;
    private final int end;
    private int i;
    private String problem;

    private JsonSyntax(byte[] bytes, int from, int to) {
        this.b = bytes;
        this.end = to;
        this.i = from;
    }

    /**
     * What is wrong with {@code bytes[from, to)} as one JSON value, in words for a client and with the
     * byte offset (from {@code from}) where it was found; {@code null} when the range holds exactly one
     * JSON value.
     *
     * @throws IllegalArgumentException when {@code bytes} is null or the range does not fit in it
     */
    public static String problem(byte[] bytes, int from, int to) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        if (from < 0 || to < from || to > bytes.length) {
            throw new IllegalArgumentException(
                    "range [" + from + ", " + to + ") does not fit in " + bytes.length + " bytes");
        }
        JsonSyntax c = new JsonSyntax(bytes, from, to);
        if (c.check()) {
            return null;
        }
        String what = c.problem == null ? "not a JSON value" : c.problem;
        return what + " at byte " + (Math.min(c.i, to) - from);
    }

    /**
     * What is wrong with {@code bytes} as one JSON value, or {@code null}; see {@link #problem(byte[], int, int)}.
     *
     * @throws IllegalArgumentException when {@code bytes} is null
     */
    public static String problem(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        return problem(bytes, 0, bytes.length);
    }

    /** The byte at {@code k} as 0..255; past the end of the range, stops the check. */
    private int at(int k) {
        if (k >= end) {
            throw END;
        }
        return b[k] & 0xFF;
    }

    private boolean check() {
        try {
            ws();
            if (!value(0)) {
                return false;
            }
            ws();
            return i == end || fail("unexpected content after the JSON value");
        } catch (RuntimeException e) {
            if (e != END) {
                throw e;
            }
            problem = "the value ends early";
            return false;
        }
    }

    private boolean fail(String what) {
        if (problem == null) {
            problem = what;
        }
        return false;
    }

    private void ws() {
        while (i < end && (at(i) == ' ' || at(i) == '\t' || at(i) == '\n' || at(i) == '\r')) {
            i++;
        }
    }

    private boolean value(int depth) {
        if (i >= end) {
            return fail("the value ends early");
        }
        switch (at(i)) {
            case '{':
                return depth < MAX_DEPTH ? object(depth + 1) : fail(deeper());
            case '[':
                return depth < MAX_DEPTH ? array(depth + 1) : fail(deeper());
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    private static String deeper() {
        return "arrays and objects nested deeper than " + MAX_DEPTH + " levels";
    }

    private boolean object(int depth) {
        i++;
        ws();
        if (at(i) == '}') {
            i++;
            return true;
        }
        while (true) {
            if (at(i) != '"') {
                return fail("expected a field name in double quotes");
            }
            if (!string()) {
                return false;
            }
            ws();
            if (at(i) != ':') {
                return fail("expected ':' after a field name");
            }
            i++;
            ws();
            if (!value(depth)) {
                return false;
            }
            ws();
            int c = at(i);
            if (c == '}') {
                i++;
                return true;
            }
            if (c != ',') {
                return fail("expected ',' or '}' in an object");
            }
            i++;
            ws();
        }
    }

    private boolean array(int depth) {
        i++;
        ws();
        if (at(i) == ']') {
            i++;
            return true;
        }
        while (true) {
            if (!value(depth)) {
                return false;
            }
            ws();
            int c = at(i);
            if (c == ']') {
                i++;
                return true;
            }
            if (c != ',') {
                return fail("expected ',' or ']' in an array");
            }
            i++;
            ws();
        }
    }

    private boolean literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (at(i) != word.charAt(k)) {
                return fail("unexpected character; expected a JSON value");
            }
            i++;
        }
        return true;
    }

    private boolean number() {
        int start = i;
        if (i < end && at(i) == '-') {
            i++;
        }
        if (i >= end) {
            return fail("the value ends early");
        }
        if (at(i) == '0') {
            i++;
        } else if (at(i) >= '1' && at(i) <= '9') {
            digits();
        } else {
            return fail("unexpected character; expected a JSON value");
        }
        if (i < end && at(i) == '.') {
            i++;
            if (digits() == 0) {
                return fail("expected a digit after the decimal point");
            }
        }
        if (i < end && (at(i) == 'e' || at(i) == 'E')) {
            i++;
            if (i < end && (at(i) == '+' || at(i) == '-')) {
                i++;
            }
            int exponent = digits();
            if (exponent == 0) {
                return fail("expected a digit in the exponent");
            }
            if (exponent > MAX_EXPONENT_DIGITS) {
                return fail("a number with an exponent of more than " + MAX_EXPONENT_DIGITS + " digits");
            }
        }
        return i - start <= MAX_NUMBER_CHARS || fail("a number longer than " + MAX_NUMBER_CHARS + " characters");
    }

    private int digits() {
        int start = i;
        while (i < end && at(i) >= '0' && at(i) <= '9') {
            i++;
        }
        return i - start;
    }

    private boolean string() {
        i++;
        while (true) {
            int c = at(i);
            if (c == '"') {
                i++;
                return true;
            }
            if (c < 0x20) {
                return fail("a control character in a string (escape it as \\u00XX)");
            }
            if (c == '\\') {
                i++;
                switch (at(i)) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        if (!escape()) {
                            return false;
                        }
                    }
                    default -> {
                        return fail("an unknown escape in a string");
                    }
                }
            } else if (c < 0x80) {
                i++;
            } else if (!utf8(c)) {
                return false;
            }
        }
    }

    /** A backslash-u escape at {@code i}; a high surrogate must be followed by an escaped low one. */
    private boolean escape() {
        int u = hex4(i + 1);
        if (u < 0) {
            return fail("a \\u escape without four hex digits");
        }
        i += 5;
        if (u >= 0xDC00 && u <= 0xDFFF) {
            return fail("an unpaired surrogate escape in a string (text must be well-formed Unicode)");
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (at(i) != '\\' || at(i + 1) != 'u') {
                return fail("an unpaired surrogate escape in a string (text must be well-formed Unicode)");
            }
            int low = hex4(i + 2);
            if (low < 0xDC00 || low > 0xDFFF) {
                return fail("an unpaired surrogate escape in a string (text must be well-formed Unicode)");
            }
            i += 6;
        }
        return true;
    }

    private int hex4(int p) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(at(p + k), 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }

    /** One multi-byte UTF-8 sequence starting with {@code c}: well-formed, shortest form, no surrogates. */
    private boolean utf8(int c) {
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            min = 0x10000;
        } else if (c == 0xC0 || c == 0xC1) {
            return fail("an overlong UTF-8 sequence (not the shortest form)");
        } else {
            return fail("bytes that are not UTF-8");
        }
        int cp = c & (0x3F >> n);
        for (int k = 1; k <= n; k++) {
            int x = at(i + k);
            if ((x & 0xC0) != 0x80) {
                return fail("bytes that are not UTF-8");
            }
            cp = cp << 6 | (x & 0x3F);
        }
        if (cp < min) {
            return fail("an overlong UTF-8 sequence (not the shortest form)");
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return fail("a surrogate encoded in UTF-8 (CESU-8 is not UTF-8)");
        }
        if (cp > 0x10FFFF) {
            return fail("bytes that are not UTF-8");
        }
        i += n + 1;
        return true;
    }
}
