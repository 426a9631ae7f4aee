package dev.hourglass;

import java.time.Instant;
import java.util.Arrays;

/** One message of a stream: its sequence number (1, 2, 3...), payload and append time. */
public record Message(long sequence, byte[] payload, Instant timestamp) {

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && m.sequence == sequence && Arrays.equals(m.payload, payload)
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
