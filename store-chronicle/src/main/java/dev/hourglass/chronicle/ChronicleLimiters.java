package dev.hourglass.chronicle;

import dev.hourglass.CorruptDataException;
import dev.hourglass.SlidingWindow;
import dev.hourglass.chronicle.ChronicleSettings.Layout;
import dev.hourglass.spi.LimiterCells;
import dev.hourglass.spi.Text;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongToIntFunction;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.ChecksumEntry;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Limiter state in its own Chronicle map: stored key to the expiry, the due time in the expiry
 * index, and the state's bytes. Each decision is one entry context under the entry's write lock,
 * which Chronicle shares between processes, so a decision is atomic across threads and processes.
 * An expired entry reads as absent; the sweeper removes it when its due time comes.
 *
 * <p>Threads of this process first take a lock of their own per map segment, which parks them,
 * and only then the segment's entry lock, which spins: with more threads than cores, a thread that
 * held the spinning lock and lost its core would otherwise keep the others spinning for its whole
 * time slice. Other processes still meet at the entry lock.
 *
 * <p>Entries carry checksums, so a value torn by a crash is dropped when the directory is repaired
 * (the limit starts afresh for that key) rather than read.
 */
final class ChronicleLimiters implements LimiterCells {

    static final String FILE = "limiters.cmap";
    static final int L_EXPIRES = 0;
    static final int L_DUE = 8;
    static final int L_HEADER = 16;

    private static final int AVERAGE_KEY_BYTES = 40;
    private static final int AVERAGE_VALUE_BYTES = L_HEADER + 48;
    private static final int MAX_VALUE_BYTES = L_HEADER + 5 + 16 * (int) SlidingWindow.MAX_EXACT_LIMIT;

    private final StoreDirectory d;
    private final ChronicleMap<String, byte[]> map;
    private final Capacity capacity;
    private final LongToIntFunction relief;
    private final ReentrantLock[] segmentLocks;

    ChronicleLimiters(StoreDirectory d, LongToIntFunction relief) {
        this.d = d;
        this.map = d.limiters;
        this.capacity = new Capacity(map, d.layout.maxSessions(), "limiter keys", "maxSessions", d.dir.toString());
        this.relief = relief;
        this.segmentLocks = new ReentrantLock[map.segments()];
        for (int i = 0; i < segmentLocks.length; i++) {
            segmentLocks[i] = new ReentrantLock();
        }
    }

    /** The limiter map holds as many keys as the store holds sessions. */
    static ChronicleMapBuilder<String, byte[]> builder(Layout l) {
        return Maps.sized(
                        ChronicleMapBuilder.of(String.class, byte[].class)
                                .name("hourglass-limiters")
                                .averageKeySize(AVERAGE_KEY_BYTES)
                                .averageValueSize(AVERAGE_VALUE_BYTES),
                        l.maxSessions(),
                        AVERAGE_VALUE_BYTES,
                        MAX_VALUE_BYTES)
                .checksumEntries(true);
    }

    @Override
    public <R> R update(String key, long now, Change<R> change) {
        for (int attempt = 0; ; attempt++) {
            ReentrantLock local = null;
            try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
                local = segmentLocks[c.segmentIndex()];
                local.lock();
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                byte[] state = null;
                boolean live = false;
                long due = 0;
                if (e != null) {
                    Data<byte[]> v = e.value();
                    RandomDataInput in = v.bytes();
                    long off = v.offset();
                    if (v.size() < L_HEADER) {
                        throw new CorruptDataException("limiter state of '" + key + "' is " + v.size()
                                + " bytes, shorter than its " + L_HEADER + "-byte header");
                    }
                    due = in.readLong(off + L_DUE);
                    if (in.readLong(off + L_EXPIRES) > now) {
                        live = true;
                        state = new byte[(int) (v.size() - L_HEADER)];
                        in.read(off + L_HEADER, state, 0, state.length);
                    }
                }
                Update<R> u = change.apply(state);
                if (!u.changed()) {
                    return u.result();
                }
                if (u.state() == null) {
                    if (e != null) {
                        c.remove(e);
                        capacity.removed();
                    }
                    return u.result();
                }
                if (e == null) {
                    capacity.beforeInsert();
                }
                if (!live || u.expiresAt() < due) {
                    due = d.expiry.add(ExpiryLog.LIMITER, key, Text.utf8Length(key), u.expiresAt(), now);
                }
                if (e != null && e.value().size() == L_HEADER + u.state().length) {
                    // Same size: written in place under the write lock; the checksum is redone on close.
                    Data<byte[]> v = e.value();
                    RandomDataOutput<?> out = (RandomDataOutput<?>) v.bytes();
                    long off = v.offset();
                    out.writeLong(off + L_EXPIRES, u.expiresAt());
                    out.writeLong(off + L_DUE, due);
                    out.write(off + L_HEADER, u.state(), 0, u.state().length);
                    ((ChecksumEntry) e).updateChecksum();
                    return u.result();
                }
                byte[] value = new byte[L_HEADER + u.state().length];
                java.nio.ByteBuffer.wrap(value)
                        .order(java.nio.ByteOrder.nativeOrder())
                        .putLong(L_EXPIRES, u.expiresAt())
                        .putLong(L_DUE, due);
                System.arraycopy(u.state(), 0, value, L_HEADER, u.state().length);
                if (e != null) {
                    c.replaceValue(e, c.wrapValueAsData(value));
                } else {
                    c.insert(c.absentEntry(), c.wrapValueAsData(value));
                }
                return u.result();
            } catch (Capacity.Full f) {
                if (attempt > 0 || relief.applyAsInt(now) <= 0) {
                    throw capacity.full();
                }
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, capacity);
            } finally {
                if (local != null) {
                    local.unlock();
                }
            }
        }
    }

    /** The sweeper's look at one due key: removes it when expired, files it again when it lives on. */
    boolean sweep(String key, long now) {
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            RandomDataInput in = v.bytes();
            long off = v.offset();
            long expires = v.size() < L_HEADER ? now : in.readLong(off + L_EXPIRES);
            if (expires <= now) {
                c.remove(e);
                capacity.removed();
                return true;
            }
            if (in.readLong(off + L_DUE) <= now) {
                ((RandomDataOutput<?>) in)
                        .writeLong(
                                off + L_DUE, d.expiry.add(ExpiryLog.LIMITER, key, Text.utf8Length(key), expires, now));
                ((ChecksumEntry) e).updateChecksum();
            }
            return false;
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, capacity);
        }
    }
}
