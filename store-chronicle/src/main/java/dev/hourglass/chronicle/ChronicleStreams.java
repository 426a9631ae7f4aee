package dev.hourglass.chronicle;

import static dev.hourglass.chronicle.Records.M_HEADER;
import static dev.hourglass.chronicle.Records.M_TIMESTAMP;
import static dev.hourglass.chronicle.Records.T_COUNT;
import static dev.hourglass.chronicle.Records.T_DUE;
import static dev.hourglass.chronicle.Records.T_EXPIRES;
import static dev.hourglass.chronicle.Records.T_STATUS;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongToIntFunction;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.RandomDataInput;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Streams in two Chronicle maps: a header per stream (expiry, status, message count, metadata and
 * each reader's marker) and the messages keyed by sequence number and stream id. Every operation
 * holds the header's lock, which Chronicle shares between processes: an append writes the message
 * before it publishes the new count, and {@code next} advances the reader's marker in place, so
 * each message reaches each reader name exactly once in any number of processes.
 */
final class ChronicleStreams implements StreamBackend {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChronicleStreams.class);
    private static final int OPEN = StreamStatus.OPEN.code();
    private static final int COMPLETED = StreamStatus.COMPLETED.code();
    private static final int FAILED = StreamStatus.FAILED.code();
    private static final ThreadLocal<BytesStore<?, ?>> KEYS =
            ThreadLocal.withInitial(() -> BytesStore.nativeStoreWithFixedCapacity(8 + Records.MAX_ID_BYTES));

    private final StoreDirectory d;
    private final ChronicleMap<String, byte[]> headers;
    private final ChronicleMap<byte[], byte[]> messages;
    private final Capacity streamCapacity;
    private final Capacity messageCapacity;
    private final LongToIntFunction relief;
    private final int maxMetadata;
    private final int maxHeader;
    private final int maxMessage;
    private final long maxCount;
    private final int maxReaders;
    private final StreamChanges changes;

    ChronicleStreams(StoreDirectory d, Capacity streamCapacity, Capacity messageCapacity, LongToIntFunction relief) {
        this.d = d;
        this.headers = d.streams;
        this.messages = d.messages;
        this.streamCapacity = streamCapacity;
        this.messageCapacity = messageCapacity;
        this.relief = relief;
        this.maxMetadata = d.layout.maxSessionBytes() + Records.encodingAllowance(d.layout.maxSessionBytes());
        this.maxHeader = Records.maxStreamRecord(d.layout);
        this.maxMessage = Records.maxMessageRecord(d.layout.maxMessageBytes());
        this.maxCount = Records.maxCount(d.layout.maxMessages());
        this.maxReaders = d.layout.maxReaders();
        this.changes = new StreamChanges(d.dir);
    }

    @Override
    public boolean open(String id, Attributes metadata, long now, long expiresAt) {
        byte[] meta = metadata.toBytes();
        if (meta.length > maxMetadata) {
            throw new IllegalArgumentException(
                    "metadata take " + meta.length + " bytes in their stored form, above the " + maxMetadata
                            + " this store holds (option maxSessionBytes=" + d.layout.maxSessionBytes() + ")");
        }
        for (int attempt = 0; ; attempt++) {
            try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                if (e != null) {
                    Data<byte[]> v = e.value();
                    if (intact(v)) {
                        if (v.bytes().readLong(v.offset() + T_EXPIRES) > now) {
                            return false;
                        }
                        deleteMessages(v.bytes().readLong(v.offset() + T_COUNT), id);
                    }
                } else {
                    streamCapacity.beforeInsert();
                }
                long due = d.expiry.add(ExpiryLog.STREAM, id, Text.utf8Length(id), expiresAt, now);
                storeHeader(
                        c, e, id, StreamHeader.fresh(expiresAt, now, due, meta).encode());
                break;
            } catch (Capacity.Full f) {
                if (attempt > 0 || relief.applyAsInt(now) <= 0) {
                    throw streamCapacity.full();
                }
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, streamCapacity);
            }
        }
        signal(id);
        return true;
    }

    @Override
    public long append(String id, byte[] payload, long now) {
        long seq;
        for (int attempt = 0; ; attempt++) {
            try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
                c.writeLock().lock();
                MapEntry<String, byte[]> e = c.entry();
                Data<byte[]> v = e == null ? null : e.value();
                if (v == null || checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
                    throw new NoSuchStreamException(id);
                }
                RandomDataInput in = v.bytes();
                long off = v.offset();
                int status = in.readInt(off + T_STATUS);
                if (status != OPEN) {
                    throw new StreamClosedException(id, status(id, status));
                }
                seq = Records.checkCount(id, in.readLong(off + T_COUNT), maxCount) + 1;
                if (seq > maxCount) {
                    throw messageCapacity.full();
                }
                putMessage(id, seq, now, payload);
                ((RandomDataOutput<?>) in).writeLong(off + T_COUNT, seq);
                break;
            } catch (Capacity.Full f) {
                if (attempt > 0 || relief.applyAsInt(now) <= 0) {
                    throw messageCapacity.full();
                }
            } catch (RuntimeException ex) {
                throw Failures.translate(ex, d, messageCapacity);
            }
        }
        signal(id);
        return seq;
    }

    private void putMessage(String id, long seq, long now, byte[] payload) {
        Journal.Slot slot = d.journal.slot();
        int keyLength = 8 + Text.utf8Length(id);
        slot.begin(Records.MESSAGES, keyLength, M_HEADER + payload.length);
        try {
            BytesStore<?, ?> b = slot.store;
            b.writeLong(slot.keyOffset(), seq);
            Utf8.write(b, slot.keyOffset() + 8, id);
            long v = slot.valueOffset();
            b.writeLong(v + M_TIMESTAMP, now);
            b.write(v + M_HEADER, payload, 0, payload.length);
            slot.activate(M_HEADER + payload.length);
            try (ExternalMapQueryContext<byte[], byte[], ?> c = messages.queryContext(b, slot.keyOffset(), keyLength)) {
                c.writeLock().lock();
                MapEntry<byte[], byte[]> e = c.entry();
                Data<byte[]> data = c.wrapValueBytesAsData(b, v, M_HEADER + payload.length);
                if (e != null) {
                    c.replaceValue(e, data);
                } else {
                    messageCapacity.beforeInsert();
                    c.insert(c.absentEntry(), data);
                }
                slot.done();
            }
        } finally {
            slot.cancel();
        }
    }

    @Override
    public CloseResult complete(String id, long now) {
        CloseResult result;
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            Data<byte[]> v = e == null ? null : e.value();
            result = closable(id, v, now);
            if (result == CloseResult.CLOSED) {
                ((RandomDataOutput<?>) v.bytes()).writeInt(v.offset() + T_STATUS, COMPLETED);
            }
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
        if (result == CloseResult.CLOSED) {
            signal(id);
        }
        return result;
    }

    /** CLOSED when the stored header {@code v} is of a live, open stream; else why it cannot be closed. */
    private CloseResult closable(String id, Data<byte[]> v, long now) {
        if (v == null || checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
            return CloseResult.ABSENT;
        }
        int status = v.bytes().readInt(v.offset() + T_STATUS);
        return status == OPEN ? CloseResult.CLOSED : CloseResult.already(status(id, status));
    }

    @Override
    public CloseResult fail(String id, String reason, long now) {
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            Data<byte[]> v = e == null ? null : e.value();
            CloseResult result = closable(id, v, now);
            if (result != CloseResult.CLOSED) {
                return result;
            }
            StreamHeader h = StreamHeader.read(id, v.bytes(), v.offset(), v.size());
            storeHeader(c, e, id, h.failed(FAILED, why).encode());
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
        signal(id);
        return CloseResult.CLOSED;
    }

    @Override
    public Poll next(String id, String reader, long now) {
        return withReader(id, reader, now, false, (v, at, count, status, reason) -> {
            long marker = v.bytes().readLong(at);
            Message m = null;
            if (marker < count) {
                m = readMessage(id, marker + 1);
                ((RandomDataOutput<?>) v.bytes()).writeLong(at, marker + 1);
                long lease = leaseOffset(id, v, reader);
                if (lease >= 0) {
                    ((RandomDataOutput<?>) v.bytes()).writeLong(lease, 0);
                }
            }
            return Poll.of(m, status, reason);
        });
    }

    @Override
    public Poll take(String id, String reader, long leaseUntil, long now) {
        return withReader(id, reader, now, true, (v, at, count, status, reason) -> {
            long marker = v.bytes().readLong(at);
            if (marker >= count) {
                return Poll.of(null, status, reason);
            }
            long lease = leaseOffset(id, v, reader);
            long held = v.bytes().readLong(lease);
            if (held > now) {
                return Poll.held(status, reason, held);
            }
            Message m = readMessage(id, marker + 1);
            ((RandomDataOutput<?>) v.bytes()).writeLong(lease, leaseUntil);
            return Poll.of(m, status, reason);
        });
    }

    @Override
    public boolean ack(String id, String reader, long sequence, long now) {
        byte[] name = reader.getBytes(StandardCharsets.UTF_8);
        boolean acked;
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            Data<byte[]> v = e == null ? null : e.value();
            if (v == null || checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
                return false;
            }
            long at = StreamHeader.readerOffset(id, v.bytes(), v.offset(), v.size(), name);
            long lease = leaseOffset(id, v, reader);
            acked = at >= 0
                    && lease >= 0
                    && v.bytes().readLong(lease) != 0
                    && v.bytes().readLong(at) + 1 == sequence;
            if (acked) {
                ((RandomDataOutput<?>) v.bytes()).writeLong(at, sequence);
                ((RandomDataOutput<?>) v.bytes()).writeLong(lease, 0);
            }
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
        if (acked) {
            signal(id);
        }
        return acked;
    }

    @Override
    public Batch read(String id, long after, int limit, long now) {
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.readLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            if (checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
                return null;
            }
            StreamStatus status = status(id, v.bytes().readInt(v.offset() + T_STATUS));
            long count = Records.checkCount(id, v.bytes().readLong(v.offset() + T_COUNT), maxCount);
            String reason =
                    status == StreamStatus.FAILED ? StreamHeader.reason(id, v.bytes(), v.offset(), v.size()) : null;
            List<Message> out = new ArrayList<>();
            for (long seq = after + 1; seq <= count && out.size() < limit; seq++) {
                out.add(readMessage(id, seq));
            }
            return new Batch(after, out, status, Optional.ofNullable(reason), count);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
    }

    @Override
    public Watch watch(String id, Runnable onChange) {
        return changes.watch(id, onChange);
    }

    /** What a read under a reader name does with the header, its marker's offset, count and status. */
    private interface ReaderStep {
        Poll apply(Data<byte[]> v, long markerAt, long count, StreamStatus status, String reason);
    }

    /**
     * Runs {@code step} under the header's write lock once the reader has a marker (and, with
     * {@code leased}, a lease entry); null when the stream is absent.
     */
    private Poll withReader(String id, String reader, long now, boolean leased, ReaderStep step) {
        byte[] name = reader.getBytes(StandardCharsets.UTF_8);
        byte[] leaseName = StreamHeader.leaseName(name);
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            if (checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
                return null;
            }
            StreamStatus status = status(id, v.bytes().readInt(v.offset() + T_STATUS));
            long count = Records.checkCount(id, v.bytes().readLong(v.offset() + T_COUNT), maxCount);
            String reason =
                    status == StreamStatus.FAILED ? StreamHeader.reason(id, v.bytes(), v.offset(), v.size()) : null;
            long at = StreamHeader.readerOffset(id, v.bytes(), v.offset(), v.size(), name);
            boolean needLease = leased && StreamHeader.readerOffset(id, v.bytes(), v.offset(), v.size(), leaseName) < 0;
            if (at < 0 || needLease) {
                if (count == 0) {
                    return Poll.of(null, status, reason);
                }
                StreamHeader h = StreamHeader.read(id, v.bytes(), v.offset(), v.size());
                // a name's lease entry has its room beside the name's marker: only names count
                int names = h.markers().size();
                if (at < 0 && names >= maxReaders) {
                    throw new StoreCapacityException("stream '" + id + "' already has " + names + " reader names, the "
                            + maxReaders + " a stream of this store keeps (option maxReaders); reuse a reader name");
                }
                if (at < 0) {
                    h = h.withReader(name);
                }
                if (needLease) {
                    h = h.withReader(leaseName);
                }
                storeHeader(c, e, id, h.encode());
                e = c.entry();
                v = e.value();
                at = StreamHeader.readerOffset(id, v.bytes(), v.offset(), v.size(), name);
            }
            return step.apply(v, at, count, status, reason);
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
    }

    /** Where the reader's lease end is kept in the header {@code v}, or -1 when it never took under a lease. */
    private static long leaseOffset(String id, Data<byte[]> v, String reader) {
        return StreamHeader.readerOffset(
                id, v.bytes(), v.offset(), v.size(), StreamHeader.leaseName(reader.getBytes(StandardCharsets.UTF_8)));
    }

    private Message readMessage(String id, long seq) {
        BytesStore<?, ?> key = KEYS.get();
        int keyLength = messageKey(key, id, seq);
        try (ExternalMapQueryContext<byte[], byte[], ?> c = messages.queryContext(key, 0, keyLength)) {
            MapEntry<byte[], byte[]> e = c.entry();
            if (e == null) {
                throw new CorruptDataException("stream '" + id + "' has no message " + seq + " though it counts it");
            }
            Data<byte[]> v = e.value();
            return Records.message(id, seq, v.bytes(), v.offset(), v.size(), maxMessage);
        }
    }

    private static int messageKey(BytesStore<?, ?> key, String id, long seq) {
        if (Text.utf8Length(id) > Records.MAX_ID_BYTES) {
            throw new IllegalArgumentException("id must be at most " + Records.MAX_ID_BYTES + " bytes of UTF-8, was "
                    + Text.utf8Length(id) + " bytes");
        }
        key.writeLong(0, seq);
        return 8 + Utf8.write(key, 8, id);
    }

    private void signal(String id) {
        changes.changed(id);
    }

    @Override
    public StreamState state(String id, long now) {
        StreamHeader h;
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return null;
            }
            Data<byte[]> v = e.value();
            if (checked(id, v).readLong(v.offset() + T_EXPIRES) <= now) {
                return null;
            }
            h = StreamHeader.read(id, v.bytes(), v.offset(), v.size());
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
        Attributes metadata;
        try {
            metadata = Attributes.fromBytes(h.metadata());
        } catch (CorruptDataException ex) {
            throw new CorruptDataException(
                    "stream '" + id + "' has metadata that do not decode: " + ex.getMessage(), ex);
        }
        StreamStatus status = status(id, h.status());
        return new StreamState(
                id,
                metadata,
                status,
                status == StreamStatus.FAILED
                        ? Optional.of(new String(h.reason(), StandardCharsets.UTF_8))
                        : Optional.empty(),
                Records.checkCount(id, h.count(), maxCount),
                h.markers(),
                Instant.ofEpochMilli(h.createdAt()),
                Instant.ofEpochMilli(h.expiresAt()));
    }

    @Override
    public boolean delete(String id, long now) {
        boolean live;
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            live = true;
            if (intact(v)) {
                live = v.bytes().readLong(v.offset() + T_EXPIRES) > now;
                deleteMessages(v.bytes().readLong(v.offset() + T_COUNT), id);
            }
            c.remove(e);
            streamCapacity.removed();
        } catch (RuntimeException ex) {
            throw Failures.translate(ex, d, streamCapacity);
        }
        signal(id);
        return live;
    }

    /** The sweeper's look at one due stream id. */
    boolean sweep(String id, long now) {
        boolean removed = false;
        try (ExternalMapQueryContext<String, byte[], ?> c = headers.queryContext(id)) {
            c.writeLock().lock();
            MapEntry<String, byte[]> e = c.entry();
            if (e == null) {
                return false;
            }
            Data<byte[]> v = e.value();
            if (!intact(v)) {
                log.warn("removing stream '{}': its stored header of {} bytes is damaged", id, v.size());
                c.remove(e);
                streamCapacity.removed();
                removed = true;
            } else if (v.bytes().readLong(v.offset() + T_EXPIRES) <= now) {
                deleteMessages(v.bytes().readLong(v.offset() + T_COUNT), id);
                c.remove(e);
                streamCapacity.removed();
                removed = true;
            } else if (v.bytes().readLong(v.offset() + T_DUE) <= now) {
                long expires = v.bytes().readLong(v.offset() + T_EXPIRES);
                ((RandomDataOutput<?>) v.bytes())
                        .writeLong(
                                v.offset() + T_DUE,
                                d.expiry.add(ExpiryLog.STREAM, id, Text.utf8Length(id), expires, now));
            }
        }
        if (removed) {
            signal(id);
        }
        return removed;
    }

    /**
     * Removes messages 1..count of a stream whose header lock the caller holds. A stored count beyond
     * what the store holds is damaged: only as many as it could hold are looked for, and the rest (if
     * any) are removed as orphans when the store is next repaired.
     */
    private void deleteMessages(long count, String id) {
        BytesStore<?, ?> key = KEYS.get();
        long last = Math.min(count, maxCount);
        for (long seq = 1; seq <= last; seq++) {
            int keyLength = messageKey(key, id, seq);
            try (ExternalMapQueryContext<byte[], byte[], ?> c = messages.queryContext(key, 0, keyLength)) {
                c.writeLock().lock();
                MapEntry<byte[], byte[]> e = c.entry();
                if (e != null) {
                    c.remove(e);
                    messageCapacity.removed();
                }
            }
        }
    }

    /** Whether a stored header can hold its fixed fields: a damaged one is replaced or removed, never read. */
    private boolean intact(Data<byte[]> v) {
        return Records.streamIntact(v.size(), maxHeader);
    }

    /** The value's bytes, once its fixed fields are checked to fit. */
    private RandomDataInput checked(String id, Data<byte[]> v) {
        Records.checkStream(id, v.size(), maxHeader);
        return v.bytes();
    }

    private static StreamStatus status(String id, int code) {
        try {
            return StreamStatus.ofCode(code);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stream '" + id + "' has a damaged header: " + e.getMessage(), e);
        }
    }

    private void storeHeader(
            ExternalMapQueryContext<String, byte[], ?> c, MapEntry<String, byte[]> e, String id, byte[] value) {
        Journal.Slot slot = d.journal.slot();
        int keyLength = Text.utf8Length(id);
        slot.begin(Records.STREAMS, keyLength, value.length);
        try {
            BytesStore<?, ?> b = slot.store;
            Utf8.write(b, slot.keyOffset(), id);
            long v = slot.valueOffset();
            b.write(v, value, 0, value.length);
            slot.activate(value.length);
            Data<byte[]> data = c.wrapValueBytesAsData(b, v, value.length);
            if (e != null) {
                c.replaceValue(e, data);
            } else {
                c.insert(c.absentEntry(), data);
            }
        } finally {
            slot.done();
        }
    }
}
