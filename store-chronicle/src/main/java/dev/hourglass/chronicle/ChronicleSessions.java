package dev.hourglass.chronicle;

import static dev.hourglass.chronicle.Records.S_ACCESSED;
import static dev.hourglass.chronicle.Records.S_CREATED;
import static dev.hourglass.chronicle.Records.S_DUE;
import static dev.hourglass.chronicle.Records.S_EXPIRES;
import static dev.hourglass.chronicle.Records.S_HEADER;
import static dev.hourglass.chronicle.Records.S_VERSION;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.ExpiryListener;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.Text;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongToIntFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

/**
 * Sessions in one Chronicle map: id to a fixed header (expiry, last access, version, creation, due
 * time in the expiry index) followed by the attributes. Every call is one entry context under the
 * entry's lock, which Chronicle shares between processes. Reads copy the value out and decode it
 * after the lock is released; touch rewrites the header in place. The session index lives in the
 * same map ({@link IndexEntries}).
 */
final class ChronicleSessions implements SessionBackend {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChronicleSessions.class);

    private final StoreDirectory d;
    private final ChronicleMap<String, byte[]> map;
    private final Capacity capacity;
    private final ExpiryListener sink;
    private final LongToIntFunction relief;
    private final int maxRecord;
    private final IndexEntries index;

    /** What a write replaced: the indexed values the session held before it. */
    private static final class Replaced {
        Map<String, byte[]> values = Map.of();
    }

    ChronicleSessions(StoreDirectory d, Capacity capacity, ExpiryListener sink, LongToIntFunction relief) {
        this.d = d;
        this.map = d.sessions;
        this.capacity = capacity;
        this.sink = sink;
        this.relief = relief;
        this.maxRecord = Records.maxSessionRecord(d.layout.maxSessionBytes());
        this.index = new IndexEntries(this, d, capacity, maxRecord);
    }

    @Override
    public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        return index.find(name, value, limit, now);
    }

    @Override
    public Session get(String id, long now) {
        long expires;
        long accessed;
        long version;
        long created;
        int length;
        byte[] buffer;
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            length = Records.sessionAttributeLength(id, v.size(), maxRecord);
            RandomDataInput in = v.bytes();
            long off = v.offset();
            expires = in.readLong(off + S_EXPIRES);
            if (expires <= now) {
                return null;
            }
            accessed = in.readLong(off + S_ACCESSED);
            version = in.readLong(off + S_VERSION);
            created = in.readLong(off + S_CREATED);
            buffer = Scratch.buffer(length);
            in.read(off + S_HEADER, buffer, 0, length);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
        return new Session(
                id,
                decode(id, buffer, length),
                Instant.ofEpochMilli(created),
                Instant.ofEpochMilli(accessed),
                Instant.ofEpochMilli(expires),
                version);
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        byte[] attrs = encode(attributes);
        Map<String, byte[]> set = IndexEntries.indexed(attributes);
        index.file(id, set);
        Replaced replaced = new Replaced();
        try {
            return put(id, attributes, attrs, now, expiresAt, replaced);
        } finally {
            index.settle(id, set, replaced.values);
        }
    }

    private Session put(String id, Attributes attributes, byte[] attrs, long now, long expiresAt, Replaced replaced) {
        for (int attempt = 0; ; attempt++) {
            try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                long created = now;
                long version;
                long due;
                RandomDataInput in = e == null ? null : e.value().bytes();
                long off = e == null ? 0 : e.value().offset();
                if (e != null && intact(e.value())) {
                    replaced.values =
                            IndexEntries.indexed(id, in, off, e.value().size());
                }
                if (e != null && intact(e.value()) && in.readLong(off + S_EXPIRES) > now) {
                    created = in.readLong(off + S_CREATED);
                    version = in.readLong(off + S_VERSION) + 1;
                    due = in.readLong(off + S_DUE);
                    if (expiresAt < due) {
                        due = index(id, expiresAt, now);
                    }
                } else {
                    if (e == null) {
                        capacity.beforeInsert();
                    }
                    version = freshVersion(now);
                    due = index(id, expiresAt, now);
                }
                store(c, e, id, expiresAt, now, version, created, due, attrs);
                return new Session(
                        id,
                        attributes,
                        Instant.ofEpochMilli(created),
                        Instant.ofEpochMilli(now),
                        Instant.ofEpochMilli(expiresAt),
                        version);
            } catch (Capacity.Full f) {
                if (attempt > 0 || relief.applyAsInt(now) <= 0) {
                    throw capacity.full();
                }
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, capacity);
            }
        }
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        byte[] attrs = encode(attributes);
        Map<String, byte[]> set = IndexEntries.indexed(attributes);
        index.file(id, set);
        Replaced replaced = new Replaced();
        try {
            return createIfAbsent(id, attributes, attrs, now, expiresAt, replaced);
        } finally {
            index.settle(id, set, replaced.values);
        }
    }

    private Session createIfAbsent(
            String id, Attributes attributes, byte[] attrs, long now, long expiresAt, Replaced replaced) {
        for (int attempt = 0; ; attempt++) {
            try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                if (e != null
                        && intact(e.value())
                        && e.value().bytes().readLong(e.value().offset() + S_EXPIRES) > now) {
                    return null;
                }
                if (e == null) {
                    capacity.beforeInsert();
                } else if (intact(e.value())) {
                    replaced.values = IndexEntries.indexed(
                            id, e.value().bytes(), e.value().offset(), e.value().size());
                }
                long version = freshVersion(now);
                store(c, e, id, expiresAt, now, version, now, index(id, expiresAt, now), attrs);
                Instant t = Instant.ofEpochMilli(now);
                return new Session(id, attributes, t, t, Instant.ofEpochMilli(expiresAt), version);
            } catch (Capacity.Full f) {
                if (attempt > 0 || relief.applyAsInt(now) <= 0) {
                    throw capacity.full();
                }
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, capacity);
            }
        }
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        Map<String, byte[]> filed = IndexEntries.indexed(set);
        index.file(id, filed);
        Replaced replaced = new Replaced();
        try {
            return merge(id, set, remove, now, replaced);
        } finally {
            index.settle(id, filed, replaced.values);
        }
    }

    private Session merge(String id, Attributes set, Set<String> remove, long now, Replaced replaced) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            int length = Records.sessionAttributeLength(id, v.size(), maxRecord);
            RandomDataInput in = v.bytes();
            long off = v.offset();
            long expires = in.readLong(off + S_EXPIRES);
            if (expires <= now) {
                return null;
            }
            long created = in.readLong(off + S_CREATED);
            long version = in.readLong(off + S_VERSION) + 1;
            long due = in.readLong(off + S_DUE);
            byte[] buffer = Scratch.buffer(length);
            in.read(off + S_HEADER, buffer, 0, length);
            Attributes before = decode(id, buffer, length);
            Map<String, byte[]> held = IndexEntries.indexed(before);
            if (!held.isEmpty()) {
                Set<String> changed = new HashSet<>(remove);
                changed.addAll(set.names());
                Map<String, byte[]> old = new LinkedHashMap<>(held);
                old.keySet().retainAll(changed);
                replaced.values = old;
            }
            Attributes merged = before.without(remove).withAll(set);
            store(c, e, id, expires, now, version, created, due, encode(merged));
            return new Session(
                    id,
                    merged,
                    Instant.ofEpochMilli(created),
                    Instant.ofEpochMilli(now),
                    Instant.ofEpochMilli(expires),
                    version);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            Records.sessionAttributeLength(id, v.size(), maxRecord);
            return rewriteExpiry(id, v.bytes(), v.offset(), now, expiresAt);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        long version;
        long created;
        int length;
        byte[] buffer;
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            length = Records.sessionAttributeLength(id, v.size(), maxRecord);
            RandomDataInput in = v.bytes();
            long off = v.offset();
            if (!rewriteExpiry(id, in, off, now, expiresAt)) {
                return null;
            }
            version = in.readLong(off + S_VERSION);
            created = in.readLong(off + S_CREATED);
            buffer = Scratch.buffer(length);
            in.read(off + S_HEADER, buffer, 0, length);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
        return new Session(
                id,
                decode(id, buffer, length),
                Instant.ofEpochMilli(created),
                Instant.ofEpochMilli(now),
                Instant.ofEpochMilli(expiresAt),
                version);
    }

    /** The in-place part of touch: two (three when the expiry moves earlier) single stores. */
    private boolean rewriteExpiry(String id, RandomDataInput in, long off, long now, long expiresAt) {
        if (in.readLong(off + S_EXPIRES) <= now) {
            return false;
        }
        RandomDataOutput<?> out = (RandomDataOutput<?>) in;
        if (expiresAt < in.readLong(off + S_DUE)) {
            out.writeLong(off + S_DUE, index(id, expiresAt, now));
        }
        out.writeLong(off + S_EXPIRES, expiresAt);
        out.writeLong(off + S_ACCESSED, now);
        return true;
    }

    @Override
    public boolean delete(String id, long now) {
        Replaced replaced = new Replaced();
        try {
            return delete(id, now, replaced);
        } finally {
            index.settle(id, Map.of(), replaced.values);
        }
    }

    private boolean delete(String id, long now, Replaced replaced) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            boolean live =
                    !intact(e.value()) || e.value().bytes().readLong(e.value().offset() + S_EXPIRES) > now;
            if (intact(e.value())) {
                replaced.values = IndexEntries.indexed(
                        id, e.value().bytes(), e.value().offset(), e.value().size());
            }
            c.remove(e);
            capacity.removed();
            return live;
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        byte[] attrs = encode(attributes);
        Map<String, byte[]> set = IndexEntries.indexed(attributes);
        index.file(id, set);
        Replaced replaced = new Replaced();
        try {
            return compareAndSet(id, expectedVersion, attributes, attrs, now, replaced);
        } finally {
            index.settle(id, set, replaced.values);
        }
    }

    private Session compareAndSet(
            String id, long expectedVersion, Attributes attributes, byte[] attrs, long now, Replaced replaced) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Records.sessionAttributeLength(id, e.value().size(), maxRecord);
            RandomDataInput in = e.value().bytes();
            long off = e.value().offset();
            long expires = in.readLong(off + S_EXPIRES);
            if (expires <= now || in.readLong(off + S_VERSION) != expectedVersion) {
                return null;
            }
            replaced.values = IndexEntries.indexed(id, in, off, e.value().size());
            long created = in.readLong(off + S_CREATED);
            long version = expectedVersion + 1;
            store(c, e, id, expires, now, version, created, in.readLong(off + S_DUE), attrs);
            return new Session(
                    id,
                    attributes,
                    Instant.ofEpochMilli(created),
                    Instant.ofEpochMilli(now),
                    Instant.ofEpochMilli(expires),
                    version);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }

    private record Candidate(String id, boolean live) {}

    /**
     * Pages walk the segments in order and each segment's ids in sorted order, so a cursor is the
     * segment and the last id returned from it: nothing is missed or repeated however entries move.
     */
    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        int segments = map.segments();
        int segment = 0;
        String after = null;
        if (cursor != null) {
            ListingCursor c = ListingCursor.parse(cursor, segments);
            segment = c.segment();
            after = c.after();
        }
        List<String> ids = new ArrayList<>(Math.min(limit, 1024));
        int scanned = 0;
        try {
            for (; segment < segments; segment++) {
                List<Candidate> candidates = candidates(segment, after, now);
                candidates.sort(Comparator.comparing(Candidate::id));
                String last = after == null ? "" : after;
                for (Candidate c : candidates) {
                    if (scanned == limit) {
                        return new Page<>(ids, Optional.of(new ListingCursor(segment, last).encode()));
                    }
                    scanned++;
                    last = c.id();
                    if (c.live()) {
                        ids.add(c.id());
                    }
                }
                after = null;
            }
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
        return new Page<>(ids, Optional.empty());
    }

    private List<Candidate> candidates(int segment, String after, long now) {
        List<Candidate> out = new ArrayList<>();
        try (MapSegmentContext<String, byte[], ?> c = map.segmentContext(segment)) {
            c.forEachSegmentEntry(e -> {
                String id = e.key().get();
                if (after == null || id.compareTo(after) > 0) { // ids are never empty: "" is before all
                    Data<byte[]> v = e.value();
                    if (!intact(v) || !IndexEntries.isEntry(v.bytes(), v.offset())) {
                        out.add(new Candidate(id, !intact(v) || v.bytes().readLong(v.offset() + S_EXPIRES) > now));
                    }
                }
            });
        }
        return out;
    }

    @Override
    public long count(long now) {
        long[] n = {0};
        try {
            for (int i = 0; i < map.segments(); i++) {
                try (MapSegmentContext<String, byte[], ?> c = map.segmentContext(i)) {
                    c.forEachSegmentEntry(e -> {
                        Data<byte[]> v = e.value();
                        if (!intact(v)
                                || (v.bytes().readLong(v.offset() + S_EXPIRES) > now
                                        && !IndexEntries.isEntry(v.bytes(), v.offset()))) {
                            n[0]++;
                        }
                    });
                }
            }
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
        return n[0];
    }

    /** The sweeper's look at one due id: removes it when expired, files it again when it lives on. */
    boolean sweep(String id, long now) {
        Replaced replaced = new Replaced();
        boolean removed = false;
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            if (!intact(v)) {
                log.warn("removing session '{}': its stored value of {} bytes is damaged", id, v.size());
                c.remove(e);
                capacity.removed();
                return false;
            }
            RandomDataInput in = v.bytes();
            long off = v.offset();
            long expires = in.readLong(off + S_EXPIRES);
            if (expires <= now) {
                replaced.values = IndexEntries.indexed(id, in, off, v.size());
                c.remove(e);
                capacity.removed();
                removed = true;
            } else if (in.readLong(off + S_DUE) <= now) {
                ((RandomDataOutput<?>) in).writeLong(off + S_DUE, index(id, expires, now));
            }
        }
        if (removed) {
            index.settle(id, Map.of(), replaced.values);
            sink.expired(id);
        }
        return removed;
    }

    void store(
            ExternalMapQueryContext<String, byte[], ?> c,
            MapEntry<String, byte[]> e,
            String id,
            long expiresAt,
            long accessedAt,
            long version,
            long createdAt,
            long due,
            byte[] attrs) {
        Journal.Slot slot = d.journal.slot();
        int keyLength = Text.utf8Length(id);
        int valueLength = S_HEADER + attrs.length;
        slot.begin(Records.SESSIONS, keyLength, valueLength);
        try {
            BytesStore<?, ?> b = slot.store;
            Utf8.write(b, slot.keyOffset(), id);
            long v = slot.valueOffset();
            b.writeLong(v + S_EXPIRES, expiresAt);
            b.writeLong(v + S_ACCESSED, accessedAt);
            b.writeLong(v + S_VERSION, version);
            b.writeLong(v + S_CREATED, createdAt);
            b.writeLong(v + S_DUE, due);
            b.write(v + S_HEADER, attrs, 0, attrs.length);
            slot.activate(valueLength);
            Data<byte[]> data = c.wrapValueBytesAsData(b, v, valueLength);
            if (e != null) {
                c.replaceValue(e, data);
            } else {
                c.insert(c.absentEntry(), data);
            }
        } finally {
            slot.done();
        }
    }

    private long index(String id, long expiresAt, long now) {
        return d.expiry.add(ExpiryLog.SESSION, id, Text.utf8Length(id), expiresAt, now);
    }

    private byte[] encode(Attributes attributes) {
        byte[] b = attributes.toBytes();
        if (S_HEADER + b.length > maxRecord) {
            throw new IllegalArgumentException(
                    "attributes take " + b.length + " bytes in their stored form (many small "
                            + "attributes), above the " + (maxRecord - S_HEADER) + " this store holds per session "
                            + "(option maxSessionBytes=" + d.layout.maxSessionBytes() + ")");
        }
        return b;
    }

    /**
     * Whether a stored value can hold its header: a damaged one is listed (so that reading it reports
     * the damage), replaced by a write of the whole value, and removed by delete or the sweeper.
     */
    private boolean intact(Data<byte[]> v) {
        return Records.sessionIntact(v.size(), maxRecord);
    }

    static Attributes decode(String id, byte[] buffer, int length) {
        try {
            return Attributes.fromBytes(buffer, 0, length);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("session '" + id + "' does not decode: " + e.getMessage(), e);
        }
    }

    private static long freshVersion(long now) {
        return (now << 20) | ThreadLocalRandom.current().nextInt(1 << 20);
    }
}
