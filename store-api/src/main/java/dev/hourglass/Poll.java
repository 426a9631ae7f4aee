package dev.hourglass;

import java.util.Objects;
import java.util.Optional;

/**
 * What a reader gets from {@link Streams#next}: the next unread message if there is one, and the
 * stream's status. {@link #ended()} is true once the stream is closed and the reader has
 * consumed everything, so a reader loops until it sees the end.
 */
public record Poll(Optional<Message> message, StreamStatus status, Optional<String> failureReason) {

    public Poll {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureReason, "failureReason");
    }

    public static Poll of(Message message, StreamStatus status, String failureReason) {
        return new Poll(Optional.ofNullable(message), status, Optional.ofNullable(failureReason));
    }

    /** No message now, and none will come: the stream is completed or failed. */
    public boolean ended() {
        return message.isEmpty() && status != StreamStatus.OPEN;
    }
}
