package dev.hourglass.memory;

import dev.hourglass.Attributes;
import dev.hourglass.ExpiryListener;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionIndex;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sessions in a concurrent hash map; every write is one atomic {@code compute}, and inside it the
 * expiry index, the ordered id set (so listing resumes from a cursor) and the attribute index
 * (indexed name and value to ids) are kept in step. A lookup in the attribute index costs one hash
 * lookup and one map read per id filed under the value.
 */
final class MemorySessions implements SessionBackend {

    private final ConcurrentHashMap<String, Session> map = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<String> ids = new ConcurrentSkipListSet<>();
    private final ExpiryIndex index = new ExpiryIndex();
    private final ConcurrentHashMap<IndexKey, Set<String>> byValue = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final ExpiryListener expirySink;

    MemorySessions(ExpiryListener expirySink) {
        this.expirySink = expirySink;
    }

    /** An indexed attribute's name and value; the buffer wraps a private copy, never changed. */
    private record IndexKey(String name, ByteBuffer value) {}

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

    /** Moves {@code id} in the attribute index from what {@code old} holds to what {@code next} holds. */
    private void reindex(String id, Attributes old, Attributes next) {
        if (old != null) {
            for (String n : old.names()) {
                if (SessionIndex.indexed(n)) {
                    byte[] v = old.getBytes(n);
                    byte[] w = next == null ? null : next.getBytes(n);
                    if (w == null || !Arrays.equals(v, w)) {
                        byValue.computeIfPresent(new IndexKey(n, ByteBuffer.wrap(v)), (k, ids) -> {
                            ids.remove(id);
                            return ids.isEmpty() ? null : ids;
                        });
                    }
                }
            }
        }
        if (next != null) {
            for (String n : next.names()) {
                if (SessionIndex.indexed(n)) {
                    byte[] w = next.getBytes(n);
                    byte[] v = old == null ? null : old.getBytes(n);
                    if (v == null || !Arrays.equals(v, w)) {
                        byValue.compute(new IndexKey(n, ByteBuffer.wrap(w)), (k, ids) -> {
                            Set<String> s = ids == null ? ConcurrentHashMap.newKeySet() : ids;
                            s.add(id);
                            return s;
                        });
                    }
                }
            }
        }
    }

    private static Attributes attributesOf(Session s) {
        return s == null ? null : s.attributes();
    }

    @Override
    public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        Set<String> ids = byValue.get(new IndexKey(name, ByteBuffer.wrap(value)));
        Map<String, Session> found = new LinkedHashMap<>();
        if (ids != null) {
            for (String id : ids.toArray(new String[0])) {
                if (found.size() == limit) {
                    break;
                }
                Session s = map.get(id);
                if (s != null && SessionIndex.holds(s, name, value, now)) {
                    found.put(id, s);
                }
            }
        }
        return found;
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
            reindex(k, attributesOf(old), attributes);
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
            reindex(k, attributesOf(old), attributes);
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
            reindex(k, old.attributes(), a);
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
            reindex(k, old.attributes(), null);
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
            reindex(k, old.attributes(), attributes);
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
                    reindex(k, s.attributes(), null);
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
        byValue.clear();
    }
}
