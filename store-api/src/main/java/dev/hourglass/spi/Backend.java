package dev.hourglass.spi;

import dev.hourglass.Capability;
import dev.hourglass.Limits;
import dev.hourglass.Sweeper;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider opens. The store in front of it validates every argument, reads the clock once
 * per call and passes {@code now} in epoch milliseconds, and records metrics; a backend only does
 * the engine's part, atomically.
 */
public interface Backend extends AutoCloseable {

    /** Short name for messages and metric tags, e.g. {@code chronicle}. */
    String name();

    /** The URI with any password removed. */
    String describe();

    Set<Capability> capabilities();

    Limits limits();

    SessionBackend sessions();

    StreamBackend streams();

    /** Rate limits and permits, when this backend keeps them. */
    default Optional<LimiterBackend> limiters() {
        return Optional.empty();
    }

    Optional<Sweeper> sweeper();

    /**
     * The engine's reports of changed sessions, when it can give them; a near cache in front of
     * this backend is kept in step by them.
     */
    default Optional<SessionChangeFeed> sessionChanges() {
        return Optional.empty();
    }

    /** True when the engine answers now; never throws and is bounded by the configured timeout. */
    boolean ping();

    @Override
    void close();
}
