package dev.hourglass;

/**
 * Turns values into the bytes a store keeps, and back. Implementations are stateless and
 * thread-safe; {@link Codecs} has the built-in ones.
 */
public interface Codec<T> {

    /**
     * The bytes of {@code value}.
     *
     * @throws IllegalArgumentException when the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * The value the bytes hold.
     *
     * @throws CorruptDataException when the bytes do not decode
     */
    T decode(byte[] bytes);

    /**
     * The type attribute values written with this codec carry: {@link AttributeType#BYTES} unless the
     * codec writes UTF-8 text or JSON (which the store then checks).
     */
    default AttributeType type() {
        return AttributeType.BYTES;
    }
}
