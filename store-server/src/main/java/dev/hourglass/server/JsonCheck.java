package dev.hourglass.server;

/**
 * Whether bytes hold exactly one JSON value by this server's rules, checked in one pass without
 * allocating: RFC 8259 syntax; strict UTF-8 (no overlong forms, no encoded surrogates, so no CESU-8);
 * escapes that pair every surrogate (an escaped high surrogate followed by an escaped low one);
 * arrays and objects nested at most {@link #MAX_DEPTH} deep; numbers of at most
 * {@link #MAX_NUMBER_CHARS} characters with an exponent of at most {@link #MAX_EXPONENT_DIGITS}
 * digits. Request bodies are checked before they are parsed, and attribute values on every read
 * before being copied out as they are, so what the server accepts it can always give back.
 */
final class JsonCheck {

    /** The deepest nesting of arrays and objects in any JSON this server reads: a request body or a stored value. */
    static final int MAX_DEPTH = 512;

    /** The longest number, in characters. */
    static final int MAX_NUMBER_CHARS = 1000;

    /** The most digits an exponent may have. */
    static final int MAX_EXPONENT_DIGITS = 9;

    private final byte[] b;
    private int i;
    private String problem;

    private JsonCheck(byte[] bytes) {
        this.b = bytes;
    }

    static boolean isJson(byte[] bytes) {
        return new JsonCheck(bytes).check();
    }

    /**
     * What is wrong with {@code bytes} as one JSON value, in words for the client and with the byte
     * offset where it was found; {@code null} when they are one JSON value.
     */
    static String problem(byte[] bytes) {
        JsonCheck c = new JsonCheck(bytes);
        if (c.check()) {
            return null;
        }
        String what = c.problem == null ? "not a JSON value" : c.problem;
        return what + " at byte " + Math.min(c.i, bytes.length);
    }

    private boolean check() {
        try {
            ws();
            if (!value(0)) {
                return false;
            }
            ws();
            return i == b.length || fail("unexpected content after the JSON value");
        } catch (ArrayIndexOutOfBoundsException e) {
            problem = "the body ends early";
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
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
    }

    private boolean value(int depth) {
        if (i >= b.length) {
            return fail("the body ends early");
        }
        switch (b[i]) {
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
        if (b[i] == '}') {
            i++;
            return true;
        }
        while (true) {
            if (b[i] != '"') {
                return fail("expected a field name in double quotes");
            }
            if (!string()) {
                return false;
            }
            ws();
            if (b[i] != ':') {
                return fail("expected ':' after a field name");
            }
            i++;
            ws();
            if (!value(depth)) {
                return false;
            }
            ws();
            byte c = b[i];
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
        if (b[i] == ']') {
            i++;
            return true;
        }
        while (true) {
            if (!value(depth)) {
                return false;
            }
            ws();
            byte c = b[i];
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
            if (b[i] != word.charAt(k)) {
                return fail("unexpected character; expected a JSON value");
            }
            i++;
        }
        return true;
    }

    private boolean number() {
        int start = i;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        if (i >= b.length) {
            return fail("the body ends early");
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            digits();
        } else {
            return fail("unexpected character; expected a JSON value");
        }
        if (i < b.length && b[i] == '.') {
            i++;
            if (digits() == 0) {
                return fail("expected a digit after the decimal point");
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
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
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i - start;
    }

    private boolean string() {
        i++;
        while (true) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                i++;
                return true;
            }
            if (c < 0x20) {
                return fail("a control character in a string (escape it as \\u00XX)");
            }
            if (c == '\\') {
                i++;
                switch (b[i]) {
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
            if (b[i] != '\\' || b[i + 1] != 'u') {
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

    private int hex4(int at) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[at + k], 16);
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
            int x = b[i + k] & 0xFF;
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
