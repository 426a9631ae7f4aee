package dev.hourglass;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a stream: metadata, status, how many messages were appended (the last sequence
 * number) and each reader's marker (the last sequence number it has taken).
 */
public record StreamState(
        String id,
        Attributes metadata,
        StreamStatus status,
        Optional<String> failureReason,
        long messageCount,
        Map<String, Long> markers,
        Instant createdAt,
        Instant expiresAt) {

    public StreamState {
        markers = Map.copyOf(markers);
    }
}
