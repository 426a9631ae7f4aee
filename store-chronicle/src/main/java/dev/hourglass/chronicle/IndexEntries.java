package dev.hourglass.chronicle;

import static dev.hourglass.chronicle.Records.S_EXPIRES;
import static dev.hourglass.chronicle.Records.S_HEADER;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.spi.SessionIndex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * The session index, kept in the sessions map itself: one entry per indexed name and value, keyed
 * by a NUL (which no session id holds) and the base64 of their digest, whose value has a session's
 * header (its expiry {@link #NEVER}, so listing, counting and sweeping pass it by) and then the ids
 * filed under it. Entries are written through the same journal as sessions, so a killed process
 * leaves none torn.
 *
 * <p>A write files the id under each value it sets before it writes the session, and afterwards
 * settles each value it set or replaced: under the entry's lock and a read lock of the session
 * (taken without waiting, so two settles never wait on each other), the id is kept exactly when the
 * session holds the value. So the index holds every session holding a value, and at most a few
 * that no longer do; a lookup reads each session it finds, keeps the live ones holding the value
 * and settles the others. Cost: a write that sets an indexed value two entry locks more per value
 * (three when it replaces one); a lookup one entry read and one session read per id filed.
 *
 * <p>A damaged entry fails a lookup with {@link CorruptDataException} until a write that files an
 * id under its value replaces it.
 *
 * <p>One entry holds at most as many ids as a session record holds bytes (about 150 ids of 24
 * characters per 4 KiB of {@code maxSessionBytes}); each distinct value takes one entry of
 * {@code maxSessions}.
 */
final class IndexEntries {

    /** The expiry written in an entry's header: later than any session's. */
    static final long NEVER = Long.MAX_VALUE / 4;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(IndexEntries.class);
    private static final Base64.Encoder KEY = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] MARK = Sessions.INDEX_PREFIX.getBytes(StandardCharsets.UTF_8);

    private final ChronicleSessions sessions;
    private final StoreDirectory d;
    private final ChronicleMap<String, byte[]> map;
    private final Capacity capacity;
    private final int maxBody;

    IndexEntries(ChronicleSessions sessions, StoreDirectory d, Capacity capacity, int maxRecord) {
        this.sessions = sessions;
        this.d = d;
        this.map = d.sessions;
        this.capacity = capacity;
        this.maxBody = maxRecord - S_HEADER;
    }

    static String key(String name, byte[] value) {
        return "\u0000" + KEY.encodeToString(SessionIndex.digest(name, value));
    }

    /** Whether a stored value (its header readable) is an index entry. */
    static boolean isEntry(RandomDataInput in, long off) {
        return in.readLong(off + S_EXPIRES) == NEVER;
    }

    /** The indexed attributes, name to value bytes. */
    static Map<String, byte[]> indexed(Attributes a) {
        Map<String, byte[]> out = null;
        for (String n : a.names()) {
            if (SessionIndex.indexed(n)) {
                if (out == null) {
                    out = new LinkedHashMap<>();
                }
                out.put(n, a.getBytes(n));
            }
        }
        return out == null ? Map.of() : out;
    }

    /** The indexed attributes of a stored session record; decoded only when one of its names is indexed. */
    static Map<String, byte[]> indexed(String id, RandomDataInput in, long off, long size) {
        if (!namesIndexed(in, off + S_HEADER, off + size)) {
            return Map.of();
        }
        int length = (int) (size - S_HEADER);
        byte[] b = new byte[length];
        in.read(off + S_HEADER, b, 0, length);
        try {
            return indexed(ChronicleSessions.decode(id, b, length));
        } catch (CorruptDataException damaged) {
            return Map.of(); // a damaged session holds nothing: the write replacing it files what it sets
        }
    }

    /**
     * Whether the attribute form (see {@link Attributes#toBytes()}) in {@code [at, end)} names an
     * indexed attribute, read in place: the walk reads each name's first bytes and skips its value by
     * its length, so a replaced session costs a few reads per attribute instead of a copy and a scan
     * of all its bytes. Bytes that are not such a form answer true, so that the full decode judges them.
     */
    static boolean namesIndexed(RandomDataInput in, long at, long end) {
        long[] pos = {at};
        int count = varInt(in, pos, end);
        for (int i = 0; i < count; i++) {
            int name = varInt(in, pos, end);
            if (name < 0 || name > end - pos[0]) {
                return true;
            }
            if (name >= MARK.length && startsWithMark(in, pos[0])) {
                return true;
            }
            pos[0] += name;
            int value = varInt(in, pos, end);
            if (value < 0 || value > end - pos[0]) {
                return true;
            }
            pos[0] += value;
        }
        return count < 0 || pos[0] != end;
    }

    private static boolean startsWithMark(RandomDataInput in, long at) {
        for (int j = 0; j < MARK.length; j++) {
            if (in.readByte(at + j) != MARK[j]) {
                return false;
            }
        }
        return true;
    }

    /** A length of the attribute form (7 bits a byte, low bits first), or -1 when the bytes hold none. */
    private static int varInt(RandomDataInput in, long[] pos, long end) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                return -1;
            }
            byte x = in.readByte(pos[0]++);
            result |= (x & 0x7F) << shift;
            if (x >= 0) {
                return result;
            }
        }
        return -1;
    }

    /** Files {@code id} under each value, before the write that sets them. */
    void file(String id, Map<String, byte[]> values) {
        for (Map.Entry<String, byte[]> v : values.entrySet()) {
            String key = key(v.getKey(), v.getValue());
            try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                List<String> ids = e == null ? new ArrayList<>() : idsOrNone(e.value());
                if (!ids.contains(id)) {
                    ids.add(id);
                    write(c, e, key, ids);
                }
            } catch (Capacity.Full f) {
                throw capacity.full();
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, capacity);
            }
        }
    }

    /**
     * After a write: for each value it set ({@code set}) or held before ({@code old}) and no longer
     * holds the same, keeps {@code id} filed exactly when the session holds the value.
     */
    void settle(String id, Map<String, byte[]> set, Map<String, byte[]> old) {
        for (Map.Entry<String, byte[]> v : set.entrySet()) {
            settle(id, v.getKey(), v.getValue());
        }
        for (Map.Entry<String, byte[]> v : old.entrySet()) {
            byte[] now = set.get(v.getKey());
            if (now == null || !Arrays.equals(now, v.getValue())) {
                settle(id, v.getKey(), v.getValue());
            }
        }
    }

    private void settle(String id, String name, byte[] value) {
        String key = key(name, value);
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            List<String> ids = e == null ? new ArrayList<>() : idsOrNone(e.value());
            boolean filed = ids.contains(id);
            Boolean held = holds(id, name, value);
            // a session locked by another write stays filed: that write settles what it changes
            boolean holds = held == null || held;
            if (holds == filed) {
                return;
            }
            if (holds) {
                ids.add(id);
                write(c, e, key, ids);
            } else {
                ids.remove(id);
                if (ids.isEmpty()) {
                    c.remove(e);
                    capacity.removed();
                } else {
                    write(c, e, key, ids);
                }
            }
        } catch (Capacity.Full f) {
            throw capacity.full();
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }

    /** Whether the session holds the value; null when its lock is taken. Called under the entry's lock. */
    private Boolean holds(String id, String name, byte[] value) {
        try (ExternalMapQueryContext<String, byte[], ?> s = map.queryContext(id)) {
            if (!s.readLock().tryLock()) {
                return null;
            }
            MapEntry<String, byte[]> e = s.entry();
            if (e == null || !Records.sessionIntact(e.value().size(), maxBody + S_HEADER)) {
                return false;
            }
            Data<byte[]> v = e.value();
            byte[] b = indexed(id, v.bytes(), v.offset(), v.size()).get(name);
            return b != null && Arrays.equals(b, value);
        }
    }

    /** The live sessions holding the value; the ids filed that do not are settled. */
    Map<String, Session> find(String name, byte[] value, int limit, long now) {
        String key = key(name, value);
        List<String> ids;
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return Map.of();
            }
            ids = ids(e.value());
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
        Map<String, Session> found = new LinkedHashMap<>();
        for (String id : ids) {
            if (found.size() == limit) {
                break;
            }
            Session s = sessions.get(id, now);
            if (s != null && SessionIndex.holds(s, name, value, now)) {
                found.put(id, s);
            } else {
                settle(id, name, value);
            }
        }
        return found;
    }

    private void write(
            ExternalMapQueryContext<String, byte[], ?> c, MapEntry<String, byte[]> e, String key, List<String> ids) {
        int size = 4;
        List<byte[]> encoded = new ArrayList<>(ids.size());
        for (String id : ids) {
            byte[] b = id.getBytes(StandardCharsets.UTF_8);
            encoded.add(b);
            size += 2 + b.length;
        }
        if (size > maxBody) {
            throw new StoreCapacityException("an indexed value is held by " + ids.size()
                    + " sessions, more than one index entry of this store holds (" + maxBody
                    + " bytes; option maxSessionBytes=" + d.layout.maxSessionBytes() + ")");
        }
        byte[] body = new byte[size];
        int at = 0;
        body[at++] = (byte) (ids.size() >>> 24);
        body[at++] = (byte) (ids.size() >>> 16);
        body[at++] = (byte) (ids.size() >>> 8);
        body[at++] = (byte) ids.size();
        for (byte[] b : encoded) {
            body[at++] = (byte) (b.length >>> 8);
            body[at++] = (byte) b.length;
            System.arraycopy(b, 0, body, at, b.length);
            at += b.length;
        }
        if (e == null) {
            capacity.beforeInsert();
        }
        sessions.store(c, e, key, NEVER, 0, 0, 0, NEVER, body);
    }

    /** The ids of an entry for a write, which replaces a damaged entry with what it files. */
    private List<String> idsOrNone(Data<byte[]> v) {
        try {
            return ids(v);
        } catch (CorruptDataException e) {
            log.warn("replacing a damaged session index entry: {}", e.getMessage());
            return new ArrayList<>();
        }
    }

    /** The ids of an entry, every length checked against the value's size. */
    private List<String> ids(Data<byte[]> v) {
        long size = v.size();
        if (size < S_HEADER + 4 || size > S_HEADER + maxBody) {
            throw new CorruptDataException("a session index entry has a stored value of " + size + " bytes");
        }
        RandomDataInput in = v.bytes();
        long at = v.offset() + S_HEADER;
        long end = v.offset() + size;
        int n = in.readUnsignedByte(at) << 24
                | in.readUnsignedByte(at + 1) << 16
                | in.readUnsignedByte(at + 2) << 8
                | in.readUnsignedByte(at + 3);
        at += 4;
        if (n < 0 || n > size / 3) {
            throw new CorruptDataException("a session index entry says it holds " + n + " ids in " + size + " bytes");
        }
        List<String> ids = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            if (at + 2 > end) {
                throw new CorruptDataException("a session index entry ends inside id " + i + " of " + n);
            }
            int length = in.readUnsignedByte(at) << 8 | in.readUnsignedByte(at + 1);
            at += 2;
            if (length < 1 || length > Records.MAX_ID_BYTES || at + length > end) {
                throw new CorruptDataException("a session index entry has an id of " + length + " bytes");
            }
            String id = Utf8.readStrict(in, at, length);
            if (id == null) {
                throw new CorruptDataException("a session index entry has an id that is not UTF-8");
            }
            ids.add(id);
            at += length;
        }
        return ids;
    }
}
