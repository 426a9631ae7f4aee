package dev.hourglass.spi;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.Poll;
import dev.hourglass.StreamState;

/**
 * The engine's side of streams. Arguments are already validated; times are epoch milliseconds.
 * An expired stream is treated as absent by every method. No method depends on state left by an
 * earlier call on the same thread.
 *
 * <p>Each reader name has one marker: the last sequence it took with {@link #next} or acknowledged
 * with {@link #ack}. {@link #take} leases the message after the marker to one caller; while that
 * lease runs, other callers under the name get {@link Poll#held}; once it ends unacknowledged, the
 * next caller gets the message again.
 */
public interface StreamBackend {

    boolean open(String id, Attributes metadata, long now, long expiresAt);

    /**
     * @throws dev.hourglass.NoSuchStreamException when absent
     * @throws dev.hourglass.StreamClosedException when not open
     */
    long append(String id, byte[] payload, long now);

    CloseResult complete(String id, long now);

    CloseResult fail(String id, String reason, long now);

    /** The next unread message for {@code reader}, advancing its marker; null when the stream is absent. */
    Poll next(String id, String reader, long now);

    /**
     * The message after {@code reader}'s marker, leased to this caller until {@code leaseUntil}
     * without moving the marker; {@link Poll#held} while another caller's lease on it runs; null
     * when the stream is absent.
     */
    Poll take(String id, String reader, long leaseUntil, long now);

    /**
     * Acknowledges message {@code sequence} taken under a lease: moves the marker to it when it is the
     * one after the marker and was taken. False (and no change) otherwise, also when the stream is absent.
     */
    boolean ack(String id, String reader, long sequence, long now);

    /** Up to {@code limit} messages after sequence {@code after}, touching no marker; null when the stream is absent. */
    Batch read(String id, long after, int limit, long now);

    /**
     * Calls {@code onChange} (on any thread, never blocking it for long) when the stream may have
     * changed for its readers: an append, a close, an acknowledgement or a delete, from this process
     * or, where the engine can tell, from others. Spurious calls are allowed; a change made after this
     * method returns is never missed. Closing the registration stops the calls.
     */
    Watch watch(String id, Runnable onChange);

    /** A registration of {@link #watch}. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    StreamState state(String id, long now);

    boolean delete(String id, long now);
}
