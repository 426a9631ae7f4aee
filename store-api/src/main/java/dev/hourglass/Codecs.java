package dev.hourglass;

import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;

/** The built-in codecs: raw bytes, UTF-8 strings and JSON (Jackson, an optional dependency). */
public final class Codecs {

    private static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value.clone();
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes.clone();
        }
    };

    private static final Codec<byte[]> JSON_TEXT = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value.clone();
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes.clone();
        }

        @Override
        public AttributeType type() {
            return AttributeType.JSON;
        }
    };

    private static final Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            if (value == null) {
                throw new IllegalArgumentException("value must not be null");
            }
            Checks.text("value", value);
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            int bad = Text.malformedUtf8(bytes, 0, bytes.length);
            if (bad >= 0) {
                throw new CorruptDataException(
                        "value is not well-formed UTF-8 (byte " + bad + " of " + bytes.length + ")");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public AttributeType type() {
            return AttributeType.TEXT;
        }
    };

    private Codecs() {}

    /** Bytes as they are (copied both ways). */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    /**
     * Bytes that are JSON text already (one JSON value in UTF-8), stored as {@link AttributeType#JSON}
     * and copied both ways; a write checks that they are exactly one JSON value.
     */
    public static Codec<byte[]> jsonText() {
        return JSON_TEXT;
    }

    /**
     * Strings as UTF-8, exactly: encoding refuses a string with an unpaired surrogate
     * ({@link IllegalArgumentException}); decoding refuses anything but well-formed UTF-8 in its
     * shortest form, so overlong and CESU-8 sequences too ({@link CorruptDataException}).
     */
    public static Codec<String> utf8() {
        return UTF8;
    }

    /**
     * Any value as JSON; decodes to maps, lists, strings, numbers and booleans. Encoding refuses what
     * would not read back as written: strings with an unpaired surrogate, NaN and infinities, numbers
     * of more than 1,000 characters, nesting deeper than 1,000. Decoding takes exactly one JSON value
     * in well-formed UTF-8.
     */
    public static Codec<Object> json() {
        return json(Object.class);
    }

    /** Values of {@code type} as JSON, e.g. a record. Needs Jackson on the class path. */
    public static <T> Codec<T> json(Class<T> type) {
        return JsonSupport.codec(type);
    }
}
