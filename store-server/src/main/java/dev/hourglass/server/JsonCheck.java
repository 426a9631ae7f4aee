package dev.hourglass.server;

/**
 * Whether bytes hold exactly one JSON value (RFC 8259, UTF-8, nesting up to 512 levels), checked in
 * one pass without allocating: attribute values are checked on every read before being copied out
 * as they are.
 */
final class JsonCheck {

    private static final int MAX_DEPTH = 512;

    private final byte[] b;
    private int i;

    private JsonCheck(byte[] bytes) {
        this.b = bytes;
    }

    static boolean isJson(byte[] bytes) {
        JsonCheck c = new JsonCheck(bytes);
        try {
            c.ws();
            if (!c.value(0)) {
                return false;
            }
            c.ws();
            return c.i == bytes.length;
        } catch (ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private void ws() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
    }

    private boolean value(int depth) {
        if (i >= b.length) {
            return false;
        }
        switch (b[i]) {
            case '{':
                return depth < MAX_DEPTH && object(depth + 1);
            case '[':
                return depth < MAX_DEPTH && array(depth + 1);
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

    private boolean object(int depth) {
        i++;
        ws();
        if (b[i] == '}') {
            i++;
            return true;
        }
        while (true) {
            if (b[i] != '"' || !string()) {
                return false;
            }
            ws();
            if (b[i++] != ':') {
                return false;
            }
            ws();
            if (!value(depth)) {
                return false;
            }
            ws();
            byte c = b[i++];
            if (c == '}') {
                return true;
            }
            if (c != ',') {
                return false;
            }
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
            byte c = b[i++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            ws();
        }
    }

    private boolean literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (b[i++] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean number() {
        int start = i;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        if (i >= b.length) {
            return false;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            digits();
        } else {
            return false;
        }
        if (i < b.length && b[i] == '.') {
            i++;
            if (digits() == 0) {
                return false;
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            if (digits() == 0) {
                return false;
            }
        }
        return i > start;
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
                return false;
            }
            if (c == '\\') {
                i++;
                switch (b[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        for (int k = 1; k <= 4; k++) {
                            if (Character.digit(b[i + k], 16) < 0) {
                                return false;
                            }
                        }
                        i += 5;
                    }
                    default -> {
                        return false;
                    }
                }
            } else if (c < 0x80) {
                i++;
            } else if (!utf8(c)) {
                return false;
            }
        }
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
        } else {
            return false;
        }
        int cp = c & (0x3F >> n);
        for (int k = 1; k <= n; k++) {
            int x = b[i + k] & 0xFF;
            if ((x & 0xC0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (x & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
        return true;
    }
}
