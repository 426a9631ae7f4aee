package dev.hourglass;

import java.time.Instant;
import java.util.Arrays;

/**
 * One message of a stream: its sequence number (1, 2, 3...), payload and append time. The message
 * never hands out the array it holds: {@link #payload()} returns a copy.
 */
public record Message(long sequence, byte[] payload, Instant timestamp) {

    /** A copy of the payload; changing it changes neither this message nor the stored one. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length in bytes, without copying it. */
    public int size() {
        return payload.length;
    }

    /**
     * The payload as UTF-8 text.
     *
     * @throws CorruptDataException when the payload is not well-formed UTF-8
     */
    public String text() {
        try {
            return Codecs.utf8().decode(payload);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("message " + sequence + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m
                && m.sequence == sequence
                && Arrays.equals(m.payload, payload)
                && m.timestamp.equals(timestamp);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Message[" + sequence + ", " + payload.length + "B, " + timestamp + "]";
    }
}
