package dev.hourglass.memory;

import dev.hourglass.Attributes;
import dev.hourglass.ExpiryListener;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions in a concurrent hash map; every write is one atomic {@code compute}, and inside it the
 * expiry index and the ordered id set (so listing resumes from a cursor) are kept in step.
 */
final class MemorySessions implements SessionBackend {

    private final ConcurrentHashMap<String, Session> map = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<String> ids = new ConcurrentSkipListSet<>();
    private final ExpiryIndex index = new ExpiryIndex();
    private final AtomicLong versions = new AtomicLong();
    private final ExpiryListener expirySink;

    MemorySessions(ExpiryListener expirySink) {
        this.expirySink = expirySink;
    }

    private static boolean live(Session s, long now) {
        return s != null && s.expiresAt().toEpochMilli() > now;
    }

    private Session store(String id, Session old, Session next) {
        if (old == null) {
            ids.add(id);
            index.add(id, next.expiresAt().toEpochMilli());
        } else {
            index.move(id, old.expiresAt().toEpochMilli(), next.expiresAt().toEpochMilli());
        }
        return next;
    }

    @Override
    public Session get(String id, long now) {
        Session s = map.get(id);
        return live(s, now) ? s : null;
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        return map.compute(id, (k, old) -> {
            Instant created = live(old, now) ? old.createdAt() : Instant.ofEpochMilli(now);
            return store(
                    k,
                    old,
                    new Session(
                            k,
                            attributes,
                            created,
                            Instant.ofEpochMilli(now),
                            Instant.ofEpochMilli(expiresAt),
                            versions.incrementAndGet()));
        });
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        Session[] created = new Session[1];
        map.compute(id, (k, old) -> {
            if (live(old, now)) {
                return old;
            }
            Instant t = Instant.ofEpochMilli(now);
            created[0] = store(
                    k,
                    old,
                    new Session(k, attributes, t, t, Instant.ofEpochMilli(expiresAt), versions.incrementAndGet()));
            return created[0];
        });
        return created[0];
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        Session result = map.computeIfPresent(id, (k, old) -> {
            if (!live(old, now)) {
                return old;
            }
            Attributes a = old.attributes().without(remove).withAll(set);
            return new Session(
                    k, a, old.createdAt(), Instant.ofEpochMilli(now), old.expiresAt(), versions.incrementAndGet());
        });
        return live(result, now) ? result : null;
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        return getAndTouch(id, now, expiresAt) != null;
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        Session[] touched = new Session[1];
        map.computeIfPresent(id, (k, old) -> {
            if (!live(old, now)) {
                return old;
            }
            touched[0] = store(
                    k,
                    old,
                    new Session(
                            k,
                            old.attributes(),
                            old.createdAt(),
                            Instant.ofEpochMilli(now),
                            Instant.ofEpochMilli(expiresAt),
                            old.version()));
            return touched[0];
        });
        return touched[0];
    }

    @Override
    public boolean delete(String id, long now) {
        boolean[] deleted = new boolean[1];
        map.computeIfPresent(id, (k, old) -> {
            index.remove(k, old.expiresAt().toEpochMilli());
            ids.remove(k);
            deleted[0] = live(old, now);
            return null;
        });
        return deleted[0];
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        Session[] updated = new Session[1];
        map.computeIfPresent(id, (k, old) -> {
            if (!live(old, now) || old.version() != expectedVersion) {
                return old;
            }
            updated[0] = new Session(
                    k,
                    attributes,
                    old.createdAt(),
                    Instant.ofEpochMilli(now),
                    old.expiresAt(),
                    versions.incrementAndGet());
            return updated[0];
        });
        return updated[0];
    }

    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        NavigableSet<String> tail = cursor == null ? ids : ids.tailSet(cursor, false);
        List<String> page = new ArrayList<>(Math.min(limit, 1024));
        String last = null;
        int scanned = 0;
        for (String id : tail) {
            if (scanned++ >= limit) {
                return new Page<>(page, Optional.of(last));
            }
            last = id;
            if (live(map.get(id), now)) {
                page.add(id);
            }
        }
        return new Page<>(page, Optional.empty());
    }

    @Override
    public long count(long now) {
        long n = 0;
        for (Session s : map.values()) {
            if (live(s, now)) {
                n++;
            }
        }
        return n;
    }

    int sweep(long now, int batchSize) {
        int removed = 0;
        Iterator<ExpiryIndex.Key> it = index.expired(now);
        while (removed < batchSize && it.hasNext()) {
            ExpiryIndex.Key key = it.next();
            boolean[] gone = new boolean[1];
            map.computeIfPresent(key.id(), (k, s) -> {
                if (s.expiresAt().toEpochMilli() == key.expiresAt()) {
                    gone[0] = true;
                    ids.remove(k);
                    return null;
                }
                return s;
            });
            index.remove(key.id(), key.expiresAt());
            if (gone[0]) {
                removed++;
                expirySink.expired(key.id());
            }
        }
        return removed;
    }

    long backlog(long now) {
        return index.countExpired(now, 1_000_000);
    }

    void clear() {
        map.clear();
        ids.clear();
        index.clear();
    }
}
