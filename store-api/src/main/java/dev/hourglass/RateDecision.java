package dev.hourglass;

import java.time.Duration;

/**
 * The answer to one take.
 *
 * @param admitted   whether the take was granted (and counted)
 * @param limit      the limit (a bucket's capacity)
 * @param remaining  what could still be taken right after this decision
 * @param retryAfter zero when admitted; otherwise how long until the same take could succeed if
 *                   nothing else takes meanwhile (for {@code Retry-After})
 * @param resetAfter how long until the limit is back to full: the window's end, the last counted
 *                   event leaving the window, or the bucket refilled
 */
public record RateDecision(boolean admitted, long limit, long remaining, Duration retryAfter, Duration resetAfter) {}
