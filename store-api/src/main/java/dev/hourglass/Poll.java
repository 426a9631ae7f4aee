package dev.hourglass;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reader gets from {@link Streams#next} or {@link Streams#take}: the next message if there is
 * one, and the stream's status. {@link #ended()} is true once the stream is closed and the reader has
 * consumed everything, so a reader loops until it sees the end. {@link #heldUntil()} is set when an
 * acknowledged read found the reader's next message leased to another caller: it comes back to
 * callers under that reader name when that lease ends unacknowledged.
 */
public record Poll(
        Optional<Message> message, StreamStatus status, Optional<String> failureReason, Optional<Instant> heldUntil) {

    public Poll {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureReason, "failureReason");
        Objects.requireNonNull(heldUntil, "heldUntil");
    }

    /** A poll with no lease held by another caller. */
    public static Poll of(Message message, StreamStatus status, String failureReason) {
        return new Poll(Optional.ofNullable(message), status, Optional.ofNullable(failureReason), Optional.empty());
    }

    /** No message for this caller: the reader's next one is leased to another caller until {@code until} (epoch ms). */
    public static Poll held(StreamStatus status, String failureReason, long until) {
        return new Poll(
                Optional.empty(), status, Optional.ofNullable(failureReason), Optional.of(Instant.ofEpochMilli(until)));
    }

    /** No message now, and none will come: the stream is completed or failed and nothing is held under a lease. */
    public boolean ended() {
        return message.isEmpty() && heldUntil.isEmpty() && status != StreamStatus.OPEN;
    }
}
