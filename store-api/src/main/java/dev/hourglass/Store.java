package dev.hourglass;

import java.util.Optional;
import java.util.Set;

/**
 * An open store: sessions and streams on one backend. Thread-safe; open one per process and share
 * it. {@link #close()} releases connections and files; a closed store rejects every call.
 */
public interface Store extends AutoCloseable {

    Sessions sessions();

    Streams streams();

    /**
     * Rate limits and concurrency permits on this store's engine.
     *
     * @throws UnsupportedOperationException when the backend keeps no limiters
     */
    Limiters limiters();

    /** The backend's name, e.g. {@code memory}, {@code chronicle}, {@code redis}, {@code jdbc:mysql}. */
    String backend();

    /** The URI the store was opened with, password removed. */
    String uri();

    Set<Capability> capabilities();

    Limits limits();

    /** The expiry sweeper, when this backend runs one. */
    Optional<Sweeper> sweeper();

    /** Whether the engine answers now; never throws and returns within the configured timeout. */
    boolean isHealthy();

    @Override
    void close();
}
