package dev.hourglass.memory;

import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Ids ordered by expiry time, so a sweep walks only what has expired: its cost grows with the
 * number of expired entries, never with the number of live ones.
 */
final class ExpiryIndex {

    record Key(long expiresAt, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(expiresAt, o.expiresAt);
            return c != 0 ? c : id.compareTo(o.id);
        }
    }

    private final ConcurrentSkipListSet<Key> keys = new ConcurrentSkipListSet<>();

    void add(String id, long expiresAt) {
        keys.add(new Key(expiresAt, id));
    }

    void remove(String id, long expiresAt) {
        keys.remove(new Key(expiresAt, id));
    }

    void move(String id, long from, long to) {
        if (from != to) {
            keys.remove(new Key(from, id));
            keys.add(new Key(to, id));
        }
    }

    /** The keys that expired at or before {@code now}, oldest first. */
    Iterator<Key> expired(long now) {
        return keys.headSet(new Key(now + 1, ""), false).iterator();
    }

    long countExpired(long now, long max) {
        long n = 0;
        Iterator<Key> it = expired(now);
        while (it.hasNext() && n < max) {
            it.next();
            n++;
        }
        return n;
    }

    void clear() {
        keys.clear();
    }
}
