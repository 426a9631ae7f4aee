package dev.hourglass;

import java.time.Duration;
import java.util.Optional;

/**
 * The answer to an acquire.
 *
 * @param permit     the permit when one was granted
 * @param max        the most permits in use at once
 * @param remaining  permits still free right after this decision
 * @param retryAfter zero when granted; otherwise how long until the earliest lease in use ends
 */
public record PermitDecision(Optional<Permit> permit, long max, long remaining, Duration retryAfter) {

    public boolean admitted() {
        return permit.isPresent();
    }
}
