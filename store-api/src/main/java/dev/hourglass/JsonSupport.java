package dev.hourglass;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Jackson, loaded only when a JSON codec is used. */
final class JsonSupport {

    private JsonSupport() {
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = mapper();

        private static ObjectMapper mapper() {
            try {
                return new ObjectMapper().findAndRegisterModules();
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
                try {
                    return mapper.writeValueAsBytes(value);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("value of " + value.getClass().getName()
                            + " cannot be written as JSON: " + e.getOriginalMessage(), e);
                }
            }

            @Override
            public T decode(byte[] bytes) {
                return read(bytes, type, null);
            }
        };
    }

    static <T> T read(byte[] bytes, Class<T> type, String name) {
        try {
            return mapper().readValue(bytes, type);
        } catch (IOException e) {
            String what = name == null ? "value" : "attribute '" + name + "'";
            throw new CorruptDataException(what + " is not JSON readable as " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }
}
