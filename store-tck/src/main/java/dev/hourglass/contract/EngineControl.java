package dev.hourglass.contract;

/**
 * The fault hook of the suite: a private engine (a database or cache server) that a backend's test
 * starts for {@link OutageContract} and that the suite can stop and start again while a store is
 * using it. Backends without a server (embedded or in-process engines) have nothing to implement.
 */
public interface EngineControl extends AutoCloseable {

    /**
     * The store URI that reaches this engine.
     *
     * @return a URI {@code Hourglass.open} accepts
     */
    String storeUri();

    /**
     * Stops the engine hard, as a crash would: open connections drop and new ones are refused until
     * {@link #restart()}.
     *
     * @throws IllegalStateException when the engine cannot be stopped
     */
    void stop();

    /**
     * Starts the stopped engine again on the same address, with whatever it persisted.
     *
     * @throws IllegalStateException when the engine does not come back
     */
    void restart();

    /** Stops the engine for good and frees what it held; throws nothing checked. */
    @Override
    void close();

    /**
     * An engine control made of its parts, for a test server that already has these operations.
     *
     * @param storeUri the store URI that reaches the engine
     * @param stop stops the engine hard
     * @param restart starts it again on the same address
     * @param close stops it for good
     * @return the control
     * @throws IllegalArgumentException naming the argument when one is null
     */
    static EngineControl of(String storeUri, Runnable stop, Runnable restart, Runnable close) {
        if (storeUri == null) {
            throw new IllegalArgumentException("storeUri must not be null");
        }
        if (stop == null || restart == null || close == null) {
            throw new IllegalArgumentException(
                    (stop == null ? "stop" : restart == null ? "restart" : "close") + " must not be null");
        }
        return new EngineControl() {
            @Override
            public String storeUri() {
                return storeUri;
            }

            @Override
            public void stop() {
                stop.run();
            }

            @Override
            public void restart() {
                restart.run();
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }
}
