package dev.hourglass;

import java.time.Clock;
import java.time.Duration;

/**
 * The one call path behind {@link DefaultSessions} and {@link DefaultStreams}, after the arguments
 * are validated: the store must be open, "now" is read once, the expiry (when a TTL is given) is
 * computed from it, and the call is timed with its outcome. The operation is a non-capturing lambda
 * that receives its target and arguments, so a call allocates nothing for its shape.
 */
final class Calls {

    /** An operation on {@code target} with up to three object arguments and one {@code long}. */
    @FunctionalInterface
    interface Operation<T, A, B, C, R> {
        R run(T target, A a, B b, C c, long n, long now, long expiry);
    }

    /** Like {@link Operation}, for a {@code long} result that is not boxed. */
    @FunctionalInterface
    interface LongOperation<T, A, B, C> {
        long run(T target, A a, B b, C c, long n, long now, long expiry);
    }

    private final DefaultStore store;
    private final Clock clock;
    private final Metrics metrics;

    Calls(DefaultStore store, Clock clock, Metrics metrics) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    Clock clock() {
        return clock;
    }

    /** Runs {@code operation} timed as {@code op}; {@code ttl} may be null when it takes no expiry. */
    <T, A, B, C, R> R run(Op op, T target, A a, B b, C c, long n, Duration ttl, Operation<T, A, B, C, R> operation) {
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            R result = operation.run(target, a, b, c, n, now, ttl == null ? 0L : Checks.expiry(now, ttl));
            metrics.success(op, t);
            return result;
        } catch (RuntimeException | Error e) {
            metrics.failure(op, t, e);
            throw e;
        }
    }

    /** Like {@link #run}, for a {@code long} result. */
    <T, A, B, C> long runLong(
            Op op, T target, A a, B b, C c, long n, Duration ttl, LongOperation<T, A, B, C> operation) {
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            long result = operation.run(target, a, b, c, n, now, ttl == null ? 0L : Checks.expiry(now, ttl));
            metrics.success(op, t);
            return result;
        } catch (RuntimeException | Error e) {
            metrics.failure(op, t, e);
            throw e;
        }
    }
}
