package dev.hourglass;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourglass.spi.JsonSyntax;
import java.io.IOException;

/**
 * Jackson, loaded only when a JSON codec is used. What it writes reads back as written: the
 * write and read limits are the same, and {@link JsonSyntax} refuses the JSON that Jackson writes
 * but that is not exact text or finite numbers.
 */
final class JsonSupport {

    /** The deepest nesting written and read. */
    static final int MAX_DEPTH = JsonSyntax.MAX_DEPTH;
    /** The longest number written and read, in characters. */
    static final int MAX_NUMBER_CHARS = JsonSyntax.MAX_NUMBER_CHARS;

    private JsonSupport() {}

    private static final class Holder {
        static final ObjectMapper MAPPER = mapper();

        private static ObjectMapper mapper() {
            try {
                JsonFactory factory = JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxNestingDepth(MAX_DEPTH)
                                .maxNumberLength(MAX_NUMBER_CHARS)
                                .maxStringLength(Integer.MAX_VALUE)
                                .maxNameLength(Integer.MAX_VALUE)
                                .build())
                        .streamWriteConstraints(StreamWriteConstraints.builder()
                                .maxNestingDepth(MAX_DEPTH)
                                .build())
                        .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                        .build();
                return JsonMapper.builder(factory)
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .findAndAddModules()
                        .build();
            } catch (NoClassDefFoundError e) {
                throw new IllegalStateException(
                        "JSON attributes need com.fasterxml.jackson.core:jackson-databind on the class path", e);
            }
        }
    }

    static ObjectMapper mapper() {
        try {
            return Holder.MAPPER;
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "JSON attributes need com.fasterxml.jackson.core:jackson-databind on the class path", e);
        }
    }

    static <T> Codec<T> codec(Class<T> type) {
        ObjectMapper mapper = mapper();
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                byte[] json;
                try {
                    json = mapper.writeValueAsBytes(value);
                } catch (StreamConstraintsException e) {
                    throw new IllegalArgumentException(
                            "value cannot be written as JSON: it nests deeper than " + MAX_DEPTH + " levels", e);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            "value cannot be written as JSON: part of it has no JSON form", e);
                }
                String why = JsonSyntax.problem(json);
                if (why != null) {
                    throw new IllegalArgumentException("value cannot be written as JSON exactly: " + why);
                }
                return json;
            }

            @Override
            public T decode(byte[] bytes) {
                return read(bytes, type, null);
            }

            @Override
            public AttributeType type() {
                return AttributeType.JSON;
            }
        };
    }

    /** Text as the JSON string it is read as, converted to {@code type}. */
    static <T> T convert(String text, Class<T> type, String name) {
        try {
            return mapper().convertValue(text, type);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException(
                    "attribute " + Checks.quote(name)
                            + " holds text, which does not read as JSON of the requested type",
                    e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type, String name) {
        String what = name == null ? "value" : "attribute " + Checks.quote(name);
        String why = JsonSyntax.problem(bytes);
        if (why != null) {
            throw new CorruptDataException(what + " is not exact JSON: " + why);
        }
        try {
            return mapper().readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            StringBuilder sb = new StringBuilder(what).append(" does not read as JSON of the requested type");
            if (e instanceof JsonProcessingException j
                    && j.getLocation() != null
                    && j.getLocation() != JsonLocation.NA) {
                sb.append(" (line ")
                        .append(j.getLocation().getLineNr())
                        .append(", column ")
                        .append(j.getLocation().getColumnNr())
                        .append(')');
            }
            throw new CorruptDataException(sb.toString(), e);
        }
    }
}
