package dev.hourglass;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of one session. {@code version} changes whenever the attributes change (create, put,
 * merge, compare-and-set); touching only moves {@code lastAccessedAt} and {@code expiresAt}, so a
 * sliding expiry on reads never makes a concurrent compare-and-set fail.
 */
public record Session(
        String id, Attributes attributes, Instant createdAt, Instant lastAccessedAt, Instant expiresAt, long version) {

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(attributes, "attributes");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
