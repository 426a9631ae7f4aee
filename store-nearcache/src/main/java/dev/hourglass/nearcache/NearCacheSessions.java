package dev.hourglass.nearcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionChangeFeed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sessions read through a Caffeine cache; every other call goes to the store, and each write then
 * replaces, moves or drops the local entry. Listing ids, counting and index lookups always go to the
 * store.
 *
 * <p>How an old value is kept out: every remote call and every change report takes a number from
 * one sequence. A change report of an id, and a local write of it (when it starts and again when it
 * returns), records its number in the id's stripe; a remote read is cached only when no change of its
 * id was recorded after the read started, and a write's answer only when no other change of the id
 * was recorded while it ran. Nothing is cached while the feed is not live, and entries carry the
 * number of their call, so none from before the last flush is served. A late or repeated report
 * therefore only removes; it never lets an older answer in. Entries also carry the session's version
 * and expiry: a report naming exactly those (the echo of this node's own write) keeps the entry, any
 * other drops it; an entry is never served at or after its session's expiry (by the store's clock)
 * nor longer than the staleness bound after its remote call started.
 */
final class NearCacheSessions implements SessionBackend, SessionChangeFeed.Listener {

    private static final int STRIPES = 1 << 13;

    private final SessionBackend store;
    private final SessionChangeFeed feed;
    private final Cache<String, Entry> cache;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private volatile long floor;
    private volatile boolean live;

    final LongAdder localHits = new LongAdder();
    final LongAdder localMisses = new LongAdder();
    final LongAdder remoteHits = new LongAdder();
    final LongAdder remoteMisses = new LongAdder();
    final LongAdder invalidations = new LongAdder();
    final LongAdder flushes = new LongAdder();

    /** A cached session, the number of the call it came from, and when (nano time) that call started. */
    record Entry(Session session, long sequence, long startNanos) {}

    NearCacheSessions(SessionBackend store, SessionChangeFeed feed, long maxEntries, Duration staleness) {
        this.store = store;
        this.feed = feed;
        long stalenessNanos = staleness.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String id, Entry e, long now) {
                        return Math.max(0, stalenessNanos - (now - e.startNanos));
                    }

                    @Override
                    public long expireAfterUpdate(String id, Entry e, long now, long current) {
                        return expireAfterCreate(id, e, now);
                    }

                    @Override
                    public long expireAfterRead(String id, Entry e, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    long size() {
        return cache.estimatedSize();
    }

    boolean isLive() {
        return live;
    }

    // ------------------------------------------------------------------ change reports

    @Override
    public void changed(String id, long version, long expiresAt) {
        invalidations.increment();
        cache.asMap().compute(id, (k, old) -> {
            record(k);
            boolean echo = old != null
                    && version != SessionChangeFeed.UNKNOWN
                    && old.session.version() == version
                    && old.session.expiresAt().toEpochMilli() == expiresAt;
            return echo ? old : null;
        });
    }

    @Override
    public void changedAll() {
        flush();
    }

    @Override
    public void lost() {
        live = false;
        flush();
    }

    @Override
    public void live() {
        flush();
        live = true;
    }

    /** Drops every entry; answers of calls started before now are not cached. */
    void flush() {
        flushes.increment();
        floor = sequence.incrementAndGet();
        cache.invalidateAll();
    }

    private long record(String id) {
        long n = sequence.incrementAndGet();
        stripes.set(stripe(id), n);
        return n;
    }

    private static int stripe(String id) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    // ------------------------------------------------------------------ the cache's side

    private Session cached(String id, long now) {
        if (!live) {
            return null;
        }
        Entry e = cache.getIfPresent(id);
        if (e == null) {
            return null;
        }
        if (e.sequence < floor || e.session.expiresAt().toEpochMilli() <= now) {
            cache.asMap().remove(id, e);
            return null;
        }
        return e.session;
    }

    /** Caches a remote answer to a call that took number {@code start} when it began. */
    private void offer(Session s, long start, long startNanos, long now) {
        if (!live || s.expiresAt().toEpochMilli() <= now) {
            return;
        }
        cache.asMap().compute(s.id(), (k, old) -> {
            if (start < floor || stripes.get(stripe(k)) > start || !live) {
                return old;
            }
            return new Entry(s, start, startNanos);
        });
    }

    /** Before a write of {@code id}: records it, so answers of calls before it and writes beside it are not cached. */
    private long begin(String id) {
        return record(id);
    }

    /**
     * After a write of {@code id} that {@link #begin} numbered {@code began}: keeps {@code s} (null
     * for none) as the entry when no other change of the id was recorded meanwhile, else drops it;
     * either way records the write again, so no call that overlapped it is cached after it.
     */
    private void wrote(String id, Session s, long began, long startNanos, long now) {
        feed.wrote(
                id,
                s == null ? SessionChangeFeed.UNKNOWN : s.version(),
                s == null ? SessionChangeFeed.UNKNOWN : s.expiresAt().toEpochMilli());
        cache.asMap().compute(id, (k, old) -> {
            boolean alone = began != 0 && stripes.get(stripe(k)) == began;
            long n = record(k);
            if (!alone || s == null || !live || began < floor || s.expiresAt().toEpochMilli() <= now) {
                return null;
            }
            return new Entry(s, n, startNanos);
        });
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Session get(String id, long now) {
        Session hit = cached(id, now);
        if (hit != null) {
            localHits.increment();
            return hit;
        }
        localMisses.increment();
        long start = sequence.get();
        long startNanos = System.nanoTime();
        Session s = store.get(id, now);
        if (s == null) {
            remoteMisses.increment();
        } else {
            remoteHits.increment();
            offer(s, start, startNanos, now);
        }
        return s;
    }

    @Override
    public Map<String, Session> getAll(Collection<String> ids, long now) {
        Map<String, Session> hits = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            Session hit = cached(id, now);
            if (hit != null) {
                hits.put(id, hit);
            } else if (!hits.containsKey(id)) {
                missing.add(id);
            }
        }
        localHits.add(hits.size());
        localMisses.add(missing.size());
        Map<String, Session> fetched = Map.of();
        if (!missing.isEmpty()) {
            long start = sequence.get();
            long startNanos = System.nanoTime();
            fetched = store.getAll(missing, now);
            remoteHits.add(fetched.size());
            remoteMisses.add(missing.size() - fetched.size());
            for (Session s : fetched.values()) {
                offer(s, start, startNanos, now);
            }
        }
        Map<String, Session> found = new LinkedHashMap<>();
        for (String id : ids) {
            Session s = hits.get(id);
            if (s == null) {
                s = fetched.get(id);
            }
            if (s != null) {
                found.put(id, s);
            }
        }
        return found;
    }

    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        return store.ids(cursor, limit, now);
    }

    @Override
    public long count(long now) {
        return store.count(now);
    }

    @Override
    public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        return store.findByIndex(name, value, limit, now);
    }

    // ------------------------------------------------------------------ writes

    /** A write of one session through to the store, then its entry dropped or refilled (see {@link #wrote}). */
    private Session written(String id, long now, java.util.function.Supplier<Session> write) {
        long startNanos = System.nanoTime();
        long began = begin(id);
        Session s = null;
        try {
            s = write.get();
            return s;
        } finally {
            wrote(id, s, began, startNanos, now);
        }
    }

    @Override
    public void putAll(Map<String, Attributes> sessions, long now, long expiresAt) {
        try {
            store.putAll(sessions, now, expiresAt);
        } finally {
            for (String id : sessions.keySet()) {
                wrote(id, null, 0, 0, now);
            }
        }
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        return written(id, now, () -> store.put(id, attributes, now, expiresAt));
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        return written(id, now, () -> store.createIfAbsent(id, attributes, now, expiresAt));
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        return written(id, now, () -> store.merge(id, set, remove, now));
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        long startNanos = System.nanoTime();
        long began = begin(id);
        boolean touched = false;
        try {
            touched = store.touch(id, now, expiresAt);
            return touched;
        } finally {
            feed.wrote(id, SessionChangeFeed.UNKNOWN, SessionChangeFeed.UNKNOWN);
            boolean keep = touched;
            cache.asMap().compute(id, (k, old) -> {
                boolean alone = stripes.get(stripe(k)) == began;
                long n = record(k);
                if (!keep || !alone || old == null || old.sequence < floor || !live || expiresAt <= now) {
                    return null;
                }
                Session o = old.session;
                Session moved = new Session(
                        o.id(),
                        o.attributes(),
                        o.createdAt(),
                        Instant.ofEpochMilli(now),
                        Instant.ofEpochMilli(expiresAt),
                        o.version());
                return new Entry(moved, n, Math.min(old.startNanos, startNanos));
            });
        }
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        return written(id, now, () -> store.getAndTouch(id, now, expiresAt));
    }

    @Override
    public boolean delete(String id, long now) {
        try {
            return store.delete(id, now);
        } finally {
            wrote(id, null, 0, 0, now);
        }
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        return written(id, now, () -> store.compareAndSet(id, expectedVersion, attributes, now));
    }
}
