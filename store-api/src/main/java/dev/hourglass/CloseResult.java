package dev.hourglass;

/**
 * What {@link Streams#complete} and {@link Streams#fail} did: closed the stream, or why they
 * changed nothing, so a caller needs no second look at the stream's state.
 */
public enum CloseResult {
    /** The stream was open and is now closed. */
    CLOSED,
    /** No live stream has the id: it never existed, expired or was deleted. */
    ABSENT,
    /** The stream was already completed; nothing changed. */
    ALREADY_COMPLETED,
    /** The stream had already failed; nothing changed. */
    ALREADY_FAILED;

    /** Whether this call closed the stream. */
    public boolean closed() {
        return this == CLOSED;
    }

    /** The answer for a stream found closed with {@code status}; {@link #CLOSED} is never returned for OPEN. */
    public static CloseResult already(StreamStatus status) {
        return switch (status) {
            case COMPLETED -> ALREADY_COMPLETED;
            case FAILED -> ALREADY_FAILED;
            case OPEN -> throw new IllegalArgumentException("status must be COMPLETED or FAILED, was OPEN");
        };
    }
}
