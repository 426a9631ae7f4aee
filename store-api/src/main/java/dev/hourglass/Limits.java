package dev.hourglass;

/**
 * Size limits a backend enforces, checked before anything is sent: the encoded size of one
 * session's attributes (names and values) and of one stream message.
 */
public record Limits(long maxSessionBytes, long maxMessageBytes) {

    public Limits {
        if (maxSessionBytes <= 0) {
            throw new IllegalArgumentException("maxSessionBytes must be positive, was " + maxSessionBytes);
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, was " + maxMessageBytes);
        }
    }
}
