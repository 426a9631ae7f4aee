package dev.hourglass;

import java.time.Duration;
import java.util.Optional;

/**
 * Message streams with read markers: a producer appends the chunks of a reply, and each named
 * reader takes the next unread message exactly once, however many threads, processes or nodes
 * read under that name, then sees the end. The whole stream expires after its TTL.
 */
public interface Streams {

    /**
     * Opens a stream; false (and no change) when a live stream already has the id.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean open(String id, Attributes metadata, Duration ttl);

    /**
     * Appends a message and returns its sequence number (1 for the first).
     *
     * @throws NoSuchStreamException  when the stream does not exist or has expired
     * @throws StreamClosedException  when the stream is completed or failed
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    long append(String id, byte[] payload);

    /**
     * Marks the stream completed; false when it does not exist or is not open.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean complete(String id);

    /**
     * Marks the stream failed with a reason; false when it does not exist or is not open.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean fail(String id, String reason);

    /**
     * Takes the next unread message for {@code reader} and advances its marker atomically.
     * Empty when the stream does not exist or has expired.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Poll> next(String id, String reader);

    /**
     * Like {@link #next(String, String)}, but waits up to {@code timeout} for a message or the end
     * of the stream; returns as soon as either arrives.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Poll> next(String id, String reader, Duration timeout);

    /**
     * Status, metadata, message count and markers; empty when absent or expired.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<StreamState> state(String id);

    /**
     * Deletes the stream with its messages and markers; false when there was none.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean delete(String id);
}
