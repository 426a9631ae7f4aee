package dev.hourglass.spring.session;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a session attribute's value into the bytes stored for it, and back. {@link #json()} (the
 * default) writes JSON that names each value's type, so numbers, strings, lists, maps, records and
 * beans read back as what was written; {@link #jdk()} uses Java serialization, for values that only
 * it can write (Spring Security's context among them, unless the JSON mapper is given its modules).
 */
public interface AttributeSerializer {

    /**
     * The stored form of {@code value}.
     *
     * @throws IllegalArgumentException naming the value's type when it cannot be written
     */
    byte[] serialize(Object value);

    /**
     * The value read back from its stored form.
     *
     * @throws dev.hourglass.CorruptDataException when the bytes do not decode to a value
     */
    Object deserialize(byte[] bytes);

    /** JSON with the type of every value written beside it (Jackson). */
    static AttributeSerializer json() {
        return new JsonAttributeSerializer(JsonAttributeSerializer.defaultMapper());
    }

    /**
     * JSON written and read by {@code mapper}, which must record types (for example with
     * {@code activateDefaultTyping}) for values to read back as their own classes.
     *
     * @throws IllegalArgumentException when {@code mapper} is null
     */
    static AttributeSerializer json(ObjectMapper mapper) {
        if (mapper == null) {
            throw new IllegalArgumentException("mapper must not be null");
        }
        return new JsonAttributeSerializer(mapper);
    }

    /** Java serialization, classes resolved by the thread's context class loader. */
    static AttributeSerializer jdk() {
        return new JdkAttributeSerializer(null);
    }

    /**
     * Java serialization, classes resolved by {@code classLoader}.
     *
     * @throws IllegalArgumentException when {@code classLoader} is null
     */
    static AttributeSerializer jdk(ClassLoader classLoader) {
        if (classLoader == null) {
            throw new IllegalArgumentException("classLoader must not be null");
        }
        return new JdkAttributeSerializer(classLoader);
    }
}
