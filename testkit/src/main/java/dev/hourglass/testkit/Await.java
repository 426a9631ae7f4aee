package dev.hourglass.testkit;

import java.time.Duration;

/** Polls a condition with a short backoff until it holds or a timeout expires. */
final class Await {

    interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {}

    /**
     * Returns once {@code condition} holds; an exception thrown by the condition counts as "not yet".
     *
     * @throws IllegalStateException naming {@code what} and the last exception, on timeout
     */
    static void until(String what, Duration timeout, Condition condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Backoff backoff = new Backoff();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(
                        "timed out after " + timeout.toSeconds() + " s waiting for " + what
                                + (last == null ? "" : "; last error: " + last),
                        last);
            }
            backoff.pause();
        }
    }
}
