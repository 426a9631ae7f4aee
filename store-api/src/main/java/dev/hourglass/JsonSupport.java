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
import java.io.IOException;

/**
 * Jackson, loaded only when a JSON codec is used. What it writes reads back as written: the
 * write and read limits are the same, and {@link #inexact} refuses the JSON that Jackson writes
 * but that is not exact text or finite numbers.
 */
final class JsonSupport {

    /** The deepest nesting written and read. */
    static final int MAX_DEPTH = 1_000;
    /** The longest number written and read, in characters. */
    static final int MAX_NUMBER_CHARS = 1_000;

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
                String why = inexact(json);
                if (why != null) {
                    throw new IllegalArgumentException("value cannot be written as JSON exactly: " + why);
                }
                return json;
            }

            @Override
            public T decode(byte[] bytes) {
                return read(bytes, type, null);
            }
        };
    }

    static <T> T read(byte[] bytes, Class<T> type, String name) {
        String what = name == null ? "value" : "attribute " + Checks.quote(name);
        int bad = Checks.malformedUtf8(bytes, 0, bytes.length);
        if (bad >= 0) {
            throw new CorruptDataException(
                    what + " is not well-formed UTF-8 (byte " + bad + " of " + bytes.length + ")");
        }
        String why = inexact(bytes);
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

    /**
     * Why the JSON text {@code json} would not read back as the values it was written from, or null:
     * a string with an unpaired surrogate (Jackson writes one as a {@code \\uD800} escape), a
     * non-finite number (written as a bare {@code NaN} or {@code Infinity}), or a number longer than
     * the reader takes.
     */
    static String inexact(byte[] json) {
        boolean inString = false;
        int numberRun = 0;
        for (int i = 0, n = json.length; i < n; i++) {
            int c = json[i];
            if (inString) {
                if (c == '"') {
                    inString = false;
                } else if (c == '\\') {
                    if (i + 1 < n && json[i + 1] == 'u') {
                        int u = hex4(json, i + 2);
                        if (u >= 0xD800 && u <= 0xDBFF) {
                            int low = i + 7 < n && json[i + 6] == '\\' && json[i + 7] == 'u' ? hex4(json, i + 8) : -1;
                            if (low < 0xDC00 || low > 0xDFFF) {
                                return "a string holds an unpaired surrogate";
                            }
                            i += 11;
                        } else if (u >= 0xDC00 && u <= 0xDFFF) {
                            return "a string holds an unpaired surrogate";
                        } else {
                            i += 5;
                        }
                    } else {
                        i++;
                    }
                }
            } else if (c == '"') {
                inString = true;
                numberRun = 0;
            } else if (c == 'N' || c == 'I') {
                return "JSON holds finite numbers only";
            } else if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
                if (++numberRun > MAX_NUMBER_CHARS) {
                    return "a number is longer than " + MAX_NUMBER_CHARS + " characters";
                }
            } else {
                numberRun = 0;
            }
        }
        return null;
    }

    private static int hex4(byte[] b, int at) {
        if (at + 4 > b.length) {
            return -1;
        }
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
                return -1;
            }
            v = v << 4 | d;
        }
        return v;
    }
}
