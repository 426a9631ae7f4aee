package dev.hourglass;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Message streams with read markers: a producer appends the chunks of a reply, readers take them in
 * order, then see the end. The whole stream expires after its TTL. Three ways to read:
 *
 * <ul>
 *   <li>{@link #next}: <b>at most once</b>. The reader's marker moves when the message is handed
 *       out, so each message reaches one caller under a reader name, however many threads,
 *       processes or nodes read under it; a message whose caller crashes or loses the response is
 *       lost for that name.
 *   <li>{@link #take} and {@link #ack}: <b>acknowledged, exactly-once processing</b> for callers
 *       that acknowledge. The message after the marker is leased to one caller; the marker moves
 *       only when it is acknowledged; once a lease ends unacknowledged the next caller under the
 *       name gets the message again. One message per reader name is in flight at a time, so
 *       messages are processed in order; competing callers never hold one message at the same time.
 *       Acknowledging twice, or after the lease, changes nothing more.
 *   <li>{@link #read}: <b>cursor reads</b> after a sequence number, with no marker at all: a
 *       resume from the last sequence a client saw (Server-Sent Events' Last-Event-ID), or a replay.
 * </ul>
 *
 * <p>The waiting forms ({@link #nextAsync}, {@link #takeAsync}, {@link #readAsync}) hold no thread
 * while they wait: the engine's notification of an append, close, acknowledgement or delete wakes
 * them (see each backend's documentation for how quickly).
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
     * Marks the stream completed; otherwise says why not (absent, or already completed or failed).
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    CloseResult complete(String id);

    /**
     * Marks the stream failed with a reason; otherwise says why not (absent, or already completed or failed).
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    CloseResult fail(String id, String reason);

    /**
     * At most once: takes the next unread message for {@code reader} and advances its marker
     * atomically. Empty when the stream does not exist or has expired.
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
     * Like {@link #next(String, String, Duration)}, without holding a thread while it waits: the stage
     * completes when a message or the end arrives, or with the last poll when {@code timeout} passes;
     * with an empty optional when the stream does not exist. Store failures complete it exceptionally.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     */
    CompletionStage<Optional<Poll>> nextAsync(String id, String reader, Duration timeout);

    /**
     * Acknowledged delivery: leases the message after {@code reader}'s marker to this caller for
     * {@code lease}, without moving the marker; {@link #ack} moves it. While another caller's lease on
     * that message runs, the poll has no message and {@link Poll#heldUntil()} says when the lease ends.
     * Empty when the stream does not exist or has expired.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid (a lease
     *     must be 1 ms to 1 hour)
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Poll> take(String id, String reader, Duration lease);

    /**
     * Like {@link #take}, waiting up to {@code timeout} for a message (also one whose lease ends) or
     * the end, without holding a thread.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     */
    CompletionStage<Optional<Poll>> takeAsync(String id, String reader, Duration lease, Duration timeout);

    /**
     * Acknowledges message {@code sequence} taken with {@link #take}: the reader's marker moves to it,
     * and the next take gets the message after it. False, changing nothing, when it was acknowledged
     * already, was never taken, is not the reader's next message, or the stream is gone.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean ack(String id, String reader, long sequence);

    /**
     * Cursor read: up to {@code limit} (1 to 1000) messages after sequence {@code after} (0 for the
     * first), in order, touching no marker. Empty when the stream does not exist or has expired.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Batch> read(String id, long after, int limit);

    /**
     * Like {@link #read}, waiting up to {@code timeout} without holding a thread while no message
     * follows {@code after} and the stream is open.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     */
    CompletionStage<Optional<Batch>> readAsync(String id, long after, int limit, Duration timeout);

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
