package dev.hourglass.spring.session;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import dev.hourglass.CorruptDataException;
import java.io.IOException;

/** JSON through Jackson; the default mapper writes each value as {@code [type, value]}. */
final class JsonAttributeSerializer implements AttributeSerializer {

    private final ObjectMapper mapper;

    JsonAttributeSerializer(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @SuppressWarnings("deprecation") // EVERYTHING: final types (String, Long) keep their type too
    static ObjectMapper defaultMapper() {
        ObjectMapper m = new ObjectMapper();
        m.findAndRegisterModules();
        m.activateDefaultTyping(
                BasicPolymorphicTypeValidator.builder()
                        .allowIfSubType(Object.class)
                        .build(),
                ObjectMapper.DefaultTyping.EVERYTHING,
                JsonTypeInfo.As.WRAPPER_ARRAY);
        return m;
    }

    @Override
    public byte[] serialize(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "a session attribute of type " + typeName(value) + " has no JSON form: " + e.getOriginalMessage(),
                    e);
        }
    }

    @Override
    public Object deserialize(byte[] bytes) {
        try {
            return mapper.readValue(bytes, Object.class);
        } catch (IOException | RuntimeException e) {
            throw new CorruptDataException(
                    "a stored session attribute is not JSON this application reads (" + bytes.length + " bytes)", e);
        }
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
