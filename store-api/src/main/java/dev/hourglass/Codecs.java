package dev.hourglass;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;

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

    private static final Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new CorruptDataException("value is not valid UTF-8 (" + bytes.length + " bytes)", e);
            }
        }
    };

    private Codecs() {
    }

    /** Bytes as they are (copied both ways). */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    /** Strings as UTF-8; decoding rejects malformed input. */
    public static Codec<String> utf8() {
        return UTF8;
    }

    /** Any value as JSON; decodes to maps, lists, strings, numbers and booleans. */
    public static Codec<Object> json() {
        return json(Object.class);
    }

    /** Values of {@code type} as JSON, e.g. a record. Needs Jackson on the class path. */
    public static <T> Codec<T> json(Class<T> type) {
        return JsonSupport.codec(type);
    }
}
