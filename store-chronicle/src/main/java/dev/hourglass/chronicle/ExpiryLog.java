package dev.hourglass.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import net.openhft.chronicle.bytes.BytesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expiry index: which ids to look at when. One append-only file per due time (a multiple of
 * {@link #GRID} ms), memory-mapped and appended to by every process with one compare-and-swap, so
 * that indexing costs a few tens of nanoseconds and the sweeper reads only what is due.
 *
 * <p>An id is filed at or before its expiry; the further away the expiry, the coarser the grid
 * ({@code width ~ distance / 4}), so the number of files stays small (a few per power of two of the
 * distance). When a due record's entry turns out to live longer (touched, or filed coarsely), the
 * sweeper files it again closer to its expiry. Records are hints: every one is checked against the
 * entry's real expiry before anything is removed, so stale or duplicate records are harmless.
 */
final class ExpiryLog {

    private static final Logger log = LoggerFactory.getLogger(ExpiryLog.class);

    static final byte SESSION = 1;
    static final byte STREAM = 2;
    static final byte LIMITER = 3;
    static final long GRID = 1024;

    private static final String SUFFIX = ".due";
    private static final long CAPACITY = 16L << 20;
    static final int HEADER = 64;
    static final int TAIL = 0;
    static final int PROCESSED = 8;
    static final int PROCESSED_COUNT = 16;
    private static final long SEALED = 1L << 63;
    private static final long OFFSET_MASK = (1L << 40) - 1;
    private static final int COUNT_SHIFT = 40;
    private static final long COUNT_MASK = (1L << 23) - 1;
    private static final long COMMIT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Path dir;
    private final ConcurrentHashMap<Long, Bucket> open = new ConcurrentHashMap<>();
    /** Due time asked -> the later due time whose file last had room, in this process. */
    private final ConcurrentHashMap<Long, Long> spill = new ConcurrentHashMap<>();

    private volatile LongConsumer onLoss = now -> {};

    /** Handles one due record; returns whether it removed an entry. */
    interface Handler {
        boolean handle(byte type, String id);
    }

    ExpiryLog(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** The due time an entry expiring at {@code expiresAt} is filed under: at or before it, after now. */
    static long dueTime(long expiresAt, long now) {
        long distance = expiresAt - now;
        long width = distance <= 8 * GRID ? GRID : Math.max(GRID, Long.highestOneBit(distance / 4));
        long due = Math.floorDiv(expiresAt, width) * width;
        return due > now ? due : (Math.floorDiv(now, GRID) + 1) * GRID;
    }

    /**
     * Files {@code id} to be looked at around {@code expiresAt}; returns the due time used. A full
     * file sends the record to the next due time; where this process last found room for a due time
     * is remembered, so that many entries of one due time (a million per file) do not walk, and
     * reopen, every full file before it on each write.
     */
    long add(byte type, String id, int idBytes, long expiresAt, long now) {
        long asked = dueTime(expiresAt, now);
        Long hint = spill.get(asked);
        long due = hint == null ? asked : hint;
        int size = (4 + idBytes + 3) & ~3;
        while (true) {
            Bucket b = bucket(due, true);
            long pos = b.reserve(size);
            if (pos >= 0) {
                Utf8.write(b.bytes, pos + 4, id);
                b.bytes.writeOrderedInt(pos, (type << 16) | idBytes);
                if (due != asked && (hint == null || hint != due)) {
                    if (spill.size() > 512) {
                        spill.clear();
                    }
                    spill.put(asked, due);
                }
                return due;
            }
            open.remove(due, b);
            due += GRID;
        }
    }

    /**
     * Hands every record due at {@code now} to {@code handler}, oldest first, until it has removed
     * {@code limit} entries; returns how many it removed. A file found damaged is deleted, and every
     * entry is filed again (see {@link #onLoss}), so that nothing is left unswept.
     */
    int drain(long now, int limit, Handler handler) {
        int removed = 0;
        boolean lost = false;
        for (long due : dueTimes(now)) {
            Bucket b = bucket(due, false);
            if (b == null) {
                continue;
            }
            Pass p = drainFile(b.bytes, CAPACITY, limit - removed, handler, COMMIT_WAIT_NANOS);
            removed += p.removed;
            if (p.damage != null) {
                log.warn(
                        "expiry index file {} is damaged ({}); deleting it and filing every entry again",
                        b.path,
                        p.damage);
                delete(due, b);
                lost = true;
            } else if (p.unfinished) {
                log.warn(
                        "expiry index file {} has a record at {} that was never finished (its writer may have died);"
                                + " skipping the rest of that file until the store is recovered",
                        b.path,
                        p.position);
            } else if (p.finished) {
                delete(due, b);
            }
            if (removed >= limit) {
                break;
            }
        }
        if (lost) {
            onLoss.accept(now);
        }
        return removed;
    }

    /** What to do when a damaged file was deleted: file every entry again. */
    void onLoss(LongConsumer refile) {
        this.onLoss = refile;
    }

    /** How a pass over one file ended. */
    static final class Pass {
        /** Entries the handler removed. */
        int removed;
        /** Where the pass stopped; 0 when the file's marks are damaged. */
        long position;
        /** Every record was handed on: the file can be deleted. */
        boolean finished;
        /** A record was reserved but never written. */
        boolean unfinished;
        /** Why the rest of the file cannot be read, or null. */
        String damage;
    }

    /**
     * Seals one file of {@code capacity} bytes and hands its records on from where the last pass
     * stopped, until the handler removed {@code limit} entries. Every offset and length read from the
     * file is checked against the file's real size and the record layout before anything is read at it.
     */
    static Pass drainFile(BytesStore<?, ?> bytes, long capacity, int limit, Handler handler, long commitWaitNanos) {
        Pass p = new Pass();
        long tail = seal(bytes) & OFFSET_MASK;
        long end = HEADER + tail;
        long pos = bytes.readVolatileLong(PROCESSED);
        pos = pos == 0 ? HEADER : pos;
        if (end > capacity || (tail & 3) != 0) {
            p.damage = "its tail " + tail + " is not a record boundary within its " + capacity + " bytes";
            return p;
        }
        if (pos < HEADER || pos > end || (pos & 3) != 0) {
            p.damage = "its processed mark " + pos + " is not a record boundary before its tail";
            return p;
        }
        p.position = pos;
        long count = bytes.readLong(PROCESSED_COUNT);
        while (pos < end && p.removed < limit) {
            int header = committed(bytes, pos, commitWaitNanos);
            if (header == 0) {
                p.unfinished = true;
                return p;
            }
            int type = header >>> 16;
            int len = header & 0xFFFF;
            if ((type != SESSION && type != STREAM && type != LIMITER)
                    || len < 1
                    || len > Records.MAX_ID_BYTES
                    || pos + 4 + len > end) {
                p.damage = "its record at " + pos + " has type " + type + " and length " + len;
                return p;
            }
            String id = Utf8.read(bytes, pos + 4, len);
            if (handler.handle((byte) type, id)) {
                p.removed++;
            }
            pos += (4 + len + 3) & ~3;
            p.position = pos;
            bytes.writeLong(PROCESSED_COUNT, ++count);
            bytes.writeOrderedLong(PROCESSED, pos);
        }
        p.finished = pos >= end;
        return p;
    }

    /** Records due at {@code now} not yet looked at (stale ones included). */
    long backlog(long now) {
        long n = 0;
        for (long due : dueTimes(now)) {
            Bucket b = bucket(due, false);
            if (b != null) {
                long tail = b.bytes.readVolatileLong(TAIL);
                n += Math.max(0, ((tail >>> COUNT_SHIFT) & COUNT_MASK) - b.bytes.readLong(PROCESSED_COUNT));
            }
        }
        return n;
    }

    /** Removes every file: the index is about to be rebuilt from the maps. */
    void clear() throws IOException {
        open.clear();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static int committed(BytesStore<?, ?> bytes, long pos, long waitNanos) {
        int header = bytes.readVolatileInt(pos);
        if (header != 0) {
            return header;
        }
        long deadline = System.nanoTime() + waitNanos;
        while (header == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
            header = bytes.readVolatileInt(pos);
        }
        return header;
    }

    /** Stops further appends to a file; returns the final tail. */
    private static long seal(BytesStore<?, ?> bytes) {
        while (true) {
            long w = bytes.readVolatileLong(TAIL);
            if ((w & SEALED) != 0 || bytes.compareAndSwapLong(TAIL, w, w | SEALED)) {
                return w | SEALED;
            }
        }
    }

    private List<Long> dueTimes(long now) {
        List<Long> due = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    long t = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                    if (t <= now) {
                        due.add(t);
                    }
                } catch (NumberFormatException e) {
                    log.warn("ignoring unexpected file {} in the expiry index", f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the expiry index " + dir, e);
        }
        Collections.sort(due);
        return due;
    }

    private void delete(long due, Bucket b) {
        open.remove(due, b);
        try {
            Files.deleteIfExists(b.path);
        } catch (IOException e) {
            log.warn("cannot delete the finished expiry index file {}", b.path, e);
        }
    }

    private Bucket bucket(long due, boolean create) {
        Bucket b = open.get(due);
        if (b != null) {
            return b;
        }
        if (!create) {
            Bucket existing = Bucket.open(path(due), false);
            return existing == null ? null : cache(due, existing);
        }
        if (open.size() > 512) {
            open.clear();
        }
        return cache(due, Bucket.open(path(due), true));
    }

    private Bucket cache(long due, Bucket b) {
        Bucket prior = open.putIfAbsent(due, b);
        return prior != null ? prior : b;
    }

    private Path path(long due) {
        return dir.resolve(String.format("%016d%s", due, SUFFIX));
    }

    private static final class Bucket {
        final Path path;
        final BytesStore<?, ?> bytes;

        private Bucket(Path path, BytesStore<?, ?> bytes) {
            this.path = path;
            this.bytes = bytes;
        }

        static Bucket open(Path path, boolean create) {
            try (FileChannel ch = create
                    ? FileChannel.open(
                            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_WRITE, 0, CAPACITY);
                return new Bucket(path, BytesStore.wrap(mb));
            } catch (NoSuchFileException e) {
                if (create) {
                    throw new UncheckedIOException("cannot create the expiry index file " + path, e);
                }
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the expiry index file " + path, e);
            }
        }

        /** Reserves {@code size} bytes; -1 when the file is sealed or full. */
        long reserve(int size) {
            while (true) {
                long w = bytes.readVolatileLong(TAIL);
                if ((w & SEALED) != 0) {
                    return -1;
                }
                long offset = w & OFFSET_MASK;
                if (HEADER + offset + size > CAPACITY || ((w >>> COUNT_SHIFT) & COUNT_MASK) == COUNT_MASK) {
                    return -1;
                }
                if (bytes.compareAndSwapLong(TAIL, w, w + (1L << COUNT_SHIFT) + size)) {
                    return HEADER + offset;
                }
            }
        }
    }
}
