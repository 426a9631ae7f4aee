package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hourglass.AttributeType;
import dev.hourglass.Attributes;
import dev.hourglass.Codecs;
import dev.hourglass.Merge;
import dev.hourglass.spi.JsonSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON in and out. A JSON object of session data maps to one attribute per top-level field, holding
 * that field's value as compact JSON bytes; going out, those bytes are copied as they are.
 */
final class Json {

    /**
     * Reads with the limits of {@link JsonCheck}, which every body passes first: the same nesting depth
     * and number length; strings are bounded by the request body limit alone.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(JsonSyntax.MAX_DEPTH)
                            .maxNumberLength(JsonSyntax.MAX_NUMBER_CHARS)
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private Json() {}

    /**
     * The body parsed as JSON; a 400 naming what is wrong, in our own words, when it is not one JSON
     * value by the rules of {@link JsonSyntax} or repeats a field name in an object.
     */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ApiException(400, "request body is empty; expected JSON");
        }
        String problem = JsonSyntax.problem(body);
        if (problem != null) {
            throw new ApiException(400, "malformed JSON: " + problem);
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String name = fieldName(e);
            String where = location(e);
            if (String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field") && name != null) {
                throw new ApiException(400, "malformed JSON: duplicate field '" + abbreviate(name) + "'" + where);
            }
            throw new ApiException(400, "malformed JSON: a value cannot be read" + where);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fieldName(JsonProcessingException e) {
        try {
            return e.getProcessor() instanceof JsonParser p ? p.currentName() : null;
        } catch (IOException unreadable) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    private static String location(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }

    /** The body as a JSON object, or a 400 naming {@code what} it should have been. */
    static ObjectNode parseObject(byte[] body, String what) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw new ApiException(400, what + " must be a JSON object, was " + kind(node));
        }
        return (ObjectNode) node;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * The object's fields as attributes: a JSON string as {@link AttributeType#TEXT}, any other value (null
     * included) as {@link AttributeType#JSON}, so each reads back over HTTP exactly as it was sent.
     */
    static Attributes attributes(ObjectNode data) {
        Attributes a = Attributes.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            a = with(a, f.getKey(), f.getValue());
        }
        return a;
    }

    /**
     * A JSON string as text, any other value as JSON written by this server's mapper, which keeps numbers as
     * sent ({@code 1.50} stays {@code 1.50}).
     */
    private static Attributes with(Attributes a, String name, JsonNode value) {
        return value.isTextual() ? a.with(name, value.textValue()) : a.with(name, bytes(value), Codecs.jsonText());
    }

    /** A JSON merge patch of top-level fields as one change: null removes a field, any other value sets it. */
    static Merge patch(ObjectNode patch) {
        Attributes set = Attributes.empty();
        List<String> remove = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isNull()) {
                remove.add(f.getKey());
            } else {
                set = with(set, f.getKey(), f.getValue());
            }
        }
        return Merge.set(set).andRemove(remove);
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * The attributes as one JSON object, each value by its type: text as a string, JSON as the value it is
     * (checked when the store read it), bytes as a base64url string without padding.
     */
    static void writeAttributes(JsonGenerator g, Attributes attributes) throws IOException {
        g.writeStartObject();
        for (String name : attributes.names()) {
            g.writeFieldName(name);
            switch (attributes.type(name)) {
                case TEXT -> g.writeString(attributes.getString(name));
                case JSON -> g.writeRawValue(new Raw(attributes.getBytes(name)));
                case BYTES -> g.writeString(BASE64.encodeToString(attributes.getBytes(name)));
            }
        }
        g.writeEndObject();
    }

    /** A JSON document built by {@code body} into a buffer. */
    static ByteBuffer write(Body body) {
        Buffer out = new Buffer(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteBuffer();
    }

    static String text(ByteBuffer json) {
        return new String(json.array(), json.arrayOffset() + json.position(), json.remaining(), StandardCharsets.UTF_8);
    }

    static JsonGenerator generator(OutputStream out) throws IOException {
        return FACTORY.createGenerator(out);
    }

    /** {"success": false, "error": message}. */
    static ByteBuffer error(String message) {
        return write(g -> envelope(g, false, x -> x.writeStringField("error", message)));
    }

    /**
     * The envelope of every answer: {@code {"success": success, ...fields}}, the fields written by
     * {@code fields}.
     */
    static void envelope(JsonGenerator g, boolean success, Body fields) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("success", success);
        fields.write(g);
        g.writeEndObject();
    }

    /** {@code {"success": true, "data": {...fields}}}. */
    static void data(JsonGenerator g, Body fields) throws IOException {
        envelope(g, true, x -> {
            x.writeObjectFieldStart("data");
            fields.write(x);
            x.writeEndObject();
        });
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** A byte array output stream whose buffer is wrapped, not copied. */
    static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        ByteBuffer toByteBuffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    /** Bytes of JSON written as they are. */
    private static final class Raw implements SerializableString {
        private final byte[] bytes;

        Raw(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getValue() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public int charLength() {
            return getValue().length();
        }

        @Override
        public char[] asQuotedChars() {
            return getValue().toCharArray();
        }

        @Override
        public byte[] asUnquotedUTF8() {
            return bytes;
        }

        @Override
        public byte[] asQuotedUTF8() {
            return bytes;
        }

        @Override
        public int appendQuotedUTF8(byte[] buffer, int offset) {
            return appendUnquotedUTF8(buffer, offset);
        }

        @Override
        public int appendQuoted(char[] buffer, int offset) {
            return appendUnquoted(buffer, offset);
        }

        @Override
        public int appendUnquotedUTF8(byte[] buffer, int offset) {
            if (offset + bytes.length > buffer.length) {
                return -1;
            }
            System.arraycopy(bytes, 0, buffer, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public int appendUnquoted(char[] buffer, int offset) {
            char[] chars = asQuotedChars();
            if (offset + chars.length > buffer.length) {
                return -1;
            }
            System.arraycopy(chars, 0, buffer, offset, chars.length);
            return chars.length;
        }

        @Override
        public int writeQuotedUTF8(OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int writeUnquotedUTF8(OutputStream out) throws IOException {
            out.write(bytes);
            return bytes.length;
        }

        @Override
        public int putQuotedUTF8(ByteBuffer buffer) {
            return putUnquotedUTF8(buffer);
        }

        @Override
        public int putUnquotedUTF8(ByteBuffer buffer) {
            if (buffer.remaining() < bytes.length) {
                return -1;
            }
            buffer.put(bytes);
            return bytes.length;
        }

        @Override
        public String toString() {
            return "Raw" + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 16)));
        }
    }
}
