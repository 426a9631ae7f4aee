package dev.hourglass;

/**
 * Rate limits and concurrency permits kept in the store, beside sessions and streams. Every
 * decision is one atomic step on the engine (one script, one short transaction, one entry lock),
 * exact across threads, processes and nodes that share the store; every stored key expires by
 * itself when its window, refill or last lease ends.
 *
 * <p>Time is the store's injected clock, read once per call, as everywhere else. Nodes whose clocks
 * differ by up to {@code s} keep these bounds: a quota never admits more than its limit per stored
 * window, but a node ahead by {@code s} may start the next window up to {@code s} early; an exact
 * sliding window admits at most {@code limit} in any interval of {@code window - s}; a bucket
 * admits at most {@code capacity + rate * (t + s)} in any interval {@code t}; a permit's lease is
 * shortened by up to {@code s} as seen by the node ahead. Choose leases longer than the renew
 * interval plus the skew.
 *
 * <p>Keys are 1..180 bytes of UTF-8 without control characters (so that the kind, the limit's name
 * and the key fit in one stored id of at most 256 bytes). Bad arguments throw
 * {@link IllegalArgumentException} naming the argument and value, and change nothing.
 *
 * <p>With a meter registry in the store's options, each limit name has the counters
 * {@code hourglass.limiter.decisions} (tagged {@code outcome} admitted or refused) and
 * {@code hourglass.limiter.permits.released}, and the gauge {@code hourglass.limiter.permits.in.use}:
 * the permits this store handle acquired that are neither released nor past their lease on the
 * store's clock (each process reports its own; a lease that another process renewed counts here
 * until the end this handle knows of). All are tagged {@code backend} and {@code name}.
 */
public interface Limiters {

    /**
     * Takes one under {@code limit} for {@code key}.
     *
     * @throws IllegalArgumentException when the limit or key is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    RateDecision take(RateLimit limit, String key);

    /**
     * Takes {@code n} (1..the limit) at once, all or nothing.
     *
     * @throws IllegalArgumentException when the limit, key or n is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    RateDecision take(RateLimit limit, String key, long n);

    /**
     * Acquires one of the key's permits for the spec's lease, or says when the earliest lease ends.
     *
     * @throws IllegalArgumentException when the spec or key is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    PermitDecision acquire(Permits permits, String key);

    /**
     * Extends a live permit's lease to a full lease from now; false (and no change) when the id is
     * unknown or its lease has ended.
     *
     * @throws IllegalArgumentException when the spec, key or id is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    boolean renew(Permits permits, String key, String permitId);

    /**
     * Frees a permit; false when the id is unknown or its lease had already ended.
     *
     * @throws IllegalArgumentException when the spec, key or id is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    boolean release(Permits permits, String key, String permitId);

    /**
     * Permits of the key whose lease has not ended.
     *
     * @throws IllegalArgumentException when the spec or key is bad
     * @throws StoreUnavailableException when the engine does not answer in time
     */
    long inUse(Permits permits, String key);
}
