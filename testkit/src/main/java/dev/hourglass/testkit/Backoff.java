package dev.hourglass.testkit;

/** Pauses between polls: 5 ms, doubling up to 100 ms. */
final class Backoff {

    private static final long FIRST_MILLIS = 5;
    private static final long MAX_MILLIS = 100;

    private long millis = FIRST_MILLIS;

    void pause() {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
        millis = Math.min(millis * 2, MAX_MILLIS);
    }
}
