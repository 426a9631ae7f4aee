package dev.hourglass;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a cursor read ({@link Streams#read}) returns: the messages after sequence {@code after}, in
 * order, at most as many as asked, with the stream's status and message count. {@link #ended()} is
 * true when the stream is closed and no message follows the last one returned.
 */
public record Batch(
        long after, List<Message> messages, StreamStatus status, Optional<String> failureReason, long messageCount) {

    public Batch {
        messages = List.copyOf(messages);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(failureReason, "failureReason");
    }

    /** The sequence of the last message returned, or {@link #after()} when none was: where the next read starts. */
    public long last() {
        return messages.isEmpty() ? after : messages.get(messages.size() - 1).sequence();
    }

    /** Closed, and nothing left after the messages returned. */
    public boolean ended() {
        return status != StreamStatus.OPEN && last() >= messageCount;
    }
}
