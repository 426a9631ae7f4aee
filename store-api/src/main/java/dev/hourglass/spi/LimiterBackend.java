package dev.hourglass.spi;

import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;

/**
 * The engine's side of limiters. Arguments are validated; {@code key} is the stored key (kind,
 * limit name and caller's key), {@code now} and lease ends are epoch milliseconds from the store's
 * clock. Each method is one atomic step on the engine, and leaves every stored key with an expiry
 * (the window's end, the bucket's refill, the last lease).
 *
 * <p>Backends that can update one stored value under a lock implement {@link LimiterCells} and
 * get the decisions from {@link LimiterStates#over}; the others implement the same rules natively.
 */
public interface LimiterBackend {

    RateDecision take(String key, RateLimit limit, long n, long now);

    /** Adds the permit {@code permitId} with lease end {@code leaseEnd} when fewer than max are live. */
    PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd);

    /** Sets a live permit's lease end; false when it is unknown or its lease ended at or before now. */
    boolean renew(String key, String permitId, long now, long leaseEnd);

    /** Removes a live permit; false when it is unknown or its lease ended at or before now. */
    boolean release(String key, String permitId, long now);

    long inUse(String key, long now);
}
