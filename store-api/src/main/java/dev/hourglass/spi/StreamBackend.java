package dev.hourglass.spi;

import dev.hourglass.Attributes;
import dev.hourglass.Poll;
import dev.hourglass.StreamState;

/**
 * The engine's side of streams. Arguments are already validated; times are epoch milliseconds.
 * An expired stream is treated as absent by every method.
 */
public interface StreamBackend {

    boolean open(String id, Attributes metadata, long now, long expiresAt);

    /**
     * @throws dev.hourglass.NoSuchStreamException when absent
     * @throws dev.hourglass.StreamClosedException when not open
     */
    long append(String id, byte[] payload, long now);

    boolean complete(String id, long now);

    boolean fail(String id, String reason, long now);

    /** The next unread message for {@code reader}, advancing its marker; null when the stream is absent. */
    Poll next(String id, String reader, long now);

    /**
     * Waits until the stream may have something new for a reader, or the deadline
     * ({@link System#nanoTime()} based) passes. The default returns at once, and the store polls
     * {@link #next} with a growing back-off (1 ms to 50 ms); backends that can be woken by the
     * append itself override this.
     *
     * @return true when this method really waited for a signal, so the caller need not back off
     */
    default boolean awaitChange(String id, long deadlineNanos) throws InterruptedException {
        return false;
    }

    StreamState state(String id, long now);

    boolean delete(String id, long now);
}
