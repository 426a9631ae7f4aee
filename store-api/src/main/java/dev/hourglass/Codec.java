package dev.hourglass;

/**
 * Turns values into the bytes a store keeps, and back. Implementations are stateless and
 * thread-safe; {@link Codecs} has the built-in ones.
 */
public interface Codec<T> {

    byte[] encode(T value);

    /** @throws CorruptDataException when the bytes do not decode */
    T decode(byte[] bytes);
}
