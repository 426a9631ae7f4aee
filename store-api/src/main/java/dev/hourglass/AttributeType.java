package dev.hourglass;

/**
 * What an attribute value is. Every value carries its type into storage, so it reads back as the
 * same kind of value on every backend and over HTTP: nothing guesses a type from the bytes.
 */
public enum AttributeType {
    /** Text, stored as UTF-8 exactly; over HTTP a JSON string. */
    TEXT('t'),
    /** One JSON value (RFC 8259, strict UTF-8); over HTTP that value. */
    JSON('j'),
    /** Opaque bytes; over HTTP a base64url string without padding. */
    BYTES('b');

    /** The byte that marks the type in storage; fixed, never the ordinal. */
    final byte tag;

    AttributeType(char tag) {
        this.tag = (byte) tag;
    }

    /** The type whose storage tag is {@code tag}, or null. */
    static AttributeType ofTag(byte tag) {
        return switch (tag) {
            case 't' -> TEXT;
            case 'j' -> JSON;
            case 'b' -> BYTES;
            default -> null;
        };
    }
}
