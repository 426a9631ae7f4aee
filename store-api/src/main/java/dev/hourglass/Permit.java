package dev.hourglass;

import java.time.Instant;

/**
 * A permit held under a lease.
 *
 * @param id          what renews and releases it
 * @param leaseEndsAt when it frees itself unless renewed (by the store's clock)
 */
public record Permit(String id, Instant leaseEndsAt) {}
