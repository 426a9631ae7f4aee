package dev.hourglass.benchmarks;

import java.util.UUID;
import org.springframework.session.SessionIdGenerator;

/**
 * Lets a Spring Session repository create a session under an id the benchmark chooses (the
 * repository's only way to write a whole session under a given id); otherwise a random UUID, as
 * Spring Session does by default.
 */
final class ChosenIds implements SessionIdGenerator {

    private final ThreadLocal<String> next = new ThreadLocal<>();

    /** The id the next createSession() on this thread gets. */
    void next(String id) {
        next.set(id);
    }

    @Override
    public String generate() {
        String id = next.get();
        if (id != null) {
            next.remove();
            return id;
        }
        return UUID.randomUUID().toString();
    }
}
