package dev.hourglass;

/**
 * Told of each expired session, at least once, with its id, after it has been removed. Called from
 * the sweeper's thread: return quickly and do not call back into the store from it.
 */
@FunctionalInterface
public interface ExpiryListener {
    void expired(String sessionId);
}
