package dev.hourglass.spi;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's side of sessions. Arguments are already validated; {@code now} and
 * {@code expiresAt} are epoch milliseconds. An entry whose expiry is at or before {@code now} is
 * treated as absent by every method. Each method is atomic; "null" means absent.
 */
public interface SessionBackend {

    Session get(String id, long now);

    /** Live sessions among {@code ids}; backends that can batch round trips override this. */
    default Map<String, Session> getAll(Collection<String> ids, long now) {
        Map<String, Session> found = new LinkedHashMap<>();
        for (String id : ids) {
            Session s = get(id, now);
            if (s != null) {
                found.put(id, s);
            }
        }
        return found;
    }

    /** Creates or replaces each session; backends that can batch round trips override this. */
    default void putAll(Map<String, Attributes> sessions, long now, long expiresAt) {
        sessions.forEach((id, attributes) -> put(id, attributes, now, expiresAt));
    }

    /** Creates or replaces; {@code createdAt} is kept when replacing a live session. */
    Session put(String id, Attributes attributes, long now, long expiresAt);

    /** Creates when absent (or expired); null when a live session has the id. */
    Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt);

    /** Sets and removes attributes, keeps the expiry; null when absent. */
    Session merge(String id, Attributes set, Set<String> remove, long now);

    boolean touch(String id, long now, long expiresAt);

    Session getAndTouch(String id, long now, long expiresAt);

    boolean delete(String id, long now);

    /** Replaces the attributes when the version matches; null when it does not or when absent. */
    Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now);

    /** Live ids after {@code cursor} ({@code null} for the start), at most about {@code limit} of them. */
    Page<String> ids(String cursor, int limit, long now);

    long count(long now);

    /**
     * Live sessions (at most {@code limit}) whose indexed attribute {@code name} holds {@code value}
     * exactly; see {@link SessionIndex}. Every backend of the project keeps an index and overrides
     * this; the default reads the whole store.
     */
    default Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        return SessionIndex.scan(this, name, value, limit, now);
    }
}
