package dev.hourglass.chronicle;

import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.chronicle.ChronicleSettings.Layout;
import dev.hourglass.spi.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapSegmentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store directory attached to this process: its map files, expiry index and journal, shared by
 * every store this JVM opens on it.
 *
 * <p>Processes coordinate through {@code hourglass.lock}: byte 0 is a gate held exclusively while a
 * process attaches or detaches, byte 1 is held shared by every attached process. A process that
 * gets byte 1 exclusively is alone; only then does it repair the maps after a crash (a journal left
 * by a dead process), resize them, or rebuild the expiry index.
 */
final class StoreDirectory {

    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);
    private static final Map<Path, StoreDirectory> OPEN = new HashMap<>();
    private static final long GATE_WAIT_MILLIS = TimeUnit.MINUTES.toMillis(10);

    final Path dir;
    final Layout layout;
    final ChronicleMap<String, byte[]> sessions;
    final ChronicleMap<String, byte[]> streams;
    final ChronicleMap<String, byte[]> limiters;
    final ChronicleMap<byte[], byte[]> messages;
    final ExpiryLog expiry;
    final Journal journal;
    final ReentrantLock sweepLock = new ReentrantLock();

    private final FileChannel lockChannel;
    private final FileLock attached;
    private final FileChannel sweepChannel;
    private final Thread shutdownHook;
    private int refs = 1;
    private boolean closed;

    /** Attaches to the directory of {@code settings}, or shares this JVM's attachment. */
    static StoreDirectory acquire(ChronicleSettings settings, Clock clock) {
        Path real;
        try {
            real = Files.createDirectories(settings.dir()).toRealPath();
        } catch (IOException e) {
            throw new StoreUnavailableException(
                    "cannot create the chronicle store directory " + settings.dir() + ": " + reason(e), e);
        }
        synchronized (OPEN) {
            StoreDirectory d = OPEN.get(real);
            if (d != null) {
                d.refs++;
                if (!d.layout.covers(settings.layout())) {
                    log.warn(
                            "store {} is already open in this JVM with {}; the larger sizes asked for ({}) take effect when "
                                    + "a single process opens it",
                            d.dir,
                            d.layout,
                            settings.layout());
                }
                return d;
            }
            try {
                d = new StoreDirectory(real, settings.layout(), clock);
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot open the chronicle store in " + real + ": " + reason(e), e);
            }
            OPEN.put(real, d);
            return d;
        }
    }

    /** This JVM's attachment to {@code dir}, if it has one. */
    static StoreDirectory attached(Path dir) {
        try {
            Path real = dir.toRealPath();
            synchronized (OPEN) {
                return OPEN.get(real);
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** Detaches this JVM's user; the last one closes the maps and deletes the journal. */
    void release() {
        synchronized (OPEN) {
            if (closed || --refs > 0) {
                return;
            }
            OPEN.remove(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running or has run
            }
            detach();
        }
    }

    private StoreDirectory(Path dir, Layout wanted, Clock clock) throws IOException {
        this.dir = dir;
        this.lockChannel = FileChannel.open(
                dir.resolve("hourglass.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock gate = null;
        ChronicleMap<String, byte[]> s = null;
        ChronicleMap<String, byte[]> t = null;
        ChronicleMap<String, byte[]> l = null;
        ChronicleMap<byte[], byte[]> m = null;
        FileLock att = null;
        Journal journalCreated = null;
        try {
            gate = awaitGate();
            FileLock exclusive = lockChannel.tryLock(1, 1, false);
            boolean alone = exclusive != null;
            Path processes = Files.createDirectories(dir.resolve("processes"));
            List<Path> abandoned = abandonedJournals(processes, alone);
            Layout stored = Layout.read(dir);
            this.expiry = new ExpiryLog(dir.resolve("expiry"));
            Layout use;
            if (stored == null) {
                if (!alone) {
                    throw new StoreUnavailableException("the chronicle store in " + dir + " is attached to by another "
                            + "process but has no " + "layout.properties; it is not a store this version can open");
                }
                for (String f : List.of(Maps.SESSIONS, Maps.STREAMS, Maps.MESSAGES, ChronicleLimiters.FILE)) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                expiry.clear();
                for (Path j : abandoned) {
                    Files.deleteIfExists(j);
                }
                abandoned = List.of();
                use = wanted;
            } else {
                use = stored;
            }
            boolean recover = alone && !abandoned.isEmpty();
            boolean grow = stored != null && !stored.covers(wanted);
            Layout target = grow && alone ? stored.union(wanted) : use;
            // attached before the maps are touched: a crash from here on (even while repairing) leaves this
            // journal behind, so the next single opener repairs the maps
            Journal j = Journal.create(
                    processes,
                    UUID.randomUUID().toString(),
                    Records.MAX_ID_BYTES + 8,
                    Math.max(
                            Records.maxSessionRecord(target.maxSessionBytes()),
                            Math.max(
                                    Records.maxStreamRecord(target),
                                    Records.maxMessageRecord(target.maxMessageBytes()))));
            this.journal = j;
            journalCreated = j;
            if (recover) {
                log.warn(
                        "the chronicle store in {} was not closed cleanly by {} process(es); repairing it",
                        dir,
                        abandoned.size());
            } else if (!abandoned.isEmpty()) {
                log.warn(
                        "a process attached to the chronicle store in {} died without closing it; it is repaired when a "
                                + "single process next opens it (until then, a lock it held fails calls after the lock timeout)",
                        dir);
            }
            long start = System.nanoTime();
            s = Maps.open(Maps.sessions(use), dir.resolve(Maps.SESSIONS).toFile(), recover);
            t = Maps.open(Maps.streams(use), dir.resolve(Maps.STREAMS).toFile(), recover);
            m = Maps.open(Maps.messages(use), dir.resolve(Maps.MESSAGES).toFile(), recover);
            l = Maps.open(
                    ChronicleLimiters.builder(use),
                    dir.resolve(ChronicleLimiters.FILE).toFile(),
                    recover);
            if (recover) {
                replay(abandoned, use, s, t, m);
                removeOrphanMessages(t, m);
                rebuildIndex(s, t, clock.millis());
                reindexLimiters(l, clock.millis());
                for (Path a : abandoned) {
                    Files.deleteIfExists(a);
                }
                log.info(
                        "repaired the chronicle store in {} in {} ms ({} sessions, {} streams, {} messages)",
                        dir,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                        s.longSize(),
                        t.longSize(),
                        m.longSize());
            }
            if (stored == null) {
                use.write(dir);
            } else if (grow && alone) {
                use = target;
                s = resize(s, Maps.sessions(use), Maps.SESSIONS);
                t = resize(t, Maps.streams(use), Maps.STREAMS);
                m = resize(m, Maps.messages(use), Maps.MESSAGES);
                l = resize(l, ChronicleLimiters.builder(use), ChronicleLimiters.FILE);
                use.write(dir);
                log.info("resized the chronicle store in {} from {} to {}", dir, stored, use);
            } else if (grow) {
                log.warn(
                        "the chronicle store in {} was built for {}; the larger sizes asked for ({}) take effect when "
                                + "a single process opens it",
                        dir,
                        stored,
                        wanted);
            }
            if (exclusive != null) {
                exclusive.release();
            }
            att = lockChannel.lock(1, 1, true);
            this.layout = use;
            this.sessions = s;
            this.streams = t;
            this.limiters = l;
            this.messages = m;
            expiry.onLoss(now -> {
                reindex(sessions, streams, now);
                reindexLimiters(limiters, now);
            });
            this.attached = att;
            this.sweepChannel = FileChannel.open(
                    dir.resolve("sweeper.lock"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(s);
            closeQuietly(t);
            closeQuietly(m);
            closeQuietly(l);
            if (journalCreated != null) {
                try {
                    journalCreated.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (att != null) {
                att.release();
            }
            if (gate != null) {
                gate.release();
            }
            lockChannel.close();
            throw e;
        }
        gate.release();
        this.shutdownHook = new Thread(this::detachOnExit, "hourglass-chronicle-close");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private FileLock awaitGate() throws IOException {
        long deadline = System.currentTimeMillis() + GATE_WAIT_MILLIS;
        long nextLog = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                FileLock l = lockChannel.tryLock(0, 1, false);
                if (l != null) {
                    return l;
                }
            } catch (OverlappingFileLockException e) {
                // another thread of this JVM is attaching to the same directory
            }
            long now = System.currentTimeMillis();
            if (now > deadline) {
                throw new StoreUnavailableException(
                        "another process has been opening or repairing the chronicle store in " + dir + " for "
                                + TimeUnit.MILLISECONDS.toMinutes(GATE_WAIT_MILLIS) + " minutes");
            }
            if (now > nextLog) {
                log.info("waiting for another process to finish opening or repairing the chronicle store in {}", dir);
                nextLog = now + 10_000;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException(
                        "interrupted while waiting to open the chronicle store in " + dir, e);
            }
        }
    }

    private static List<Path> abandonedJournals(Path processes, boolean alone) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(processes, "*" + Journal.SUFFIX)) {
            for (Path f : files) {
                if (alone || Journal.isAbandoned(f)) {
                    found.add(f);
                }
            }
        }
        return found;
    }

    private static void replay(
            List<Path> journals,
            Layout layout,
            ChronicleMap<String, byte[]> s,
            ChronicleMap<String, byte[]> t,
            ChronicleMap<byte[], byte[]> m)
            throws IOException {
        int[] n = {0};
        int[] damaged = {0};
        int maxKey = Records.MAX_ID_BYTES + 8;
        int maxValue = Math.max(
                Records.maxSessionRecord(layout.maxSessionBytes()),
                Math.max(Records.maxStreamRecord(layout), Records.maxMessageRecord(layout.maxMessageBytes())));
        for (Path j : journals) {
            damaged[0] += Journal.readActive(j, maxKey, maxValue, e -> {
                if (!e.replayable(layout)) {
                    damaged[0]++;
                    return;
                }
                switch (e.map()) {
                    case Records.SESSIONS -> s.put(e.id(), e.value());
                    case Records.STREAMS -> t.put(e.id(), e.value());
                    default -> m.put(e.key(), e.value());
                }
                n[0]++;
            });
        }
        if (damaged[0] > 0) {
            log.warn("skipped {} damaged write(s) in the journals of the processes that died", damaged[0]);
        }
        if (n[0] > 0) {
            log.info("replayed {} write(s) that were in flight when the process died", n[0]);
        }
    }

    private static void removeOrphanMessages(ChronicleMap<String, byte[]> t, ChronicleMap<byte[], byte[]> m) {
        long[] removed = {0};
        for (int i = 0; i < m.segments(); i++) {
            try (MapSegmentContext<byte[], byte[], ?> c = m.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    Data<byte[]> k = e.key();
                    Records.MessageKey key = Records.messageKey(k.bytes(), k.offset(), k.size());
                    byte[] header = key == null ? null : t.get(key.stream());
                    if (header == null
                            || header.length < Records.T_HEADER
                            || key.seq()
                                    > java.nio.ByteBuffer.wrap(header)
                                            .order(java.nio.ByteOrder.nativeOrder())
                                            .getLong(Records.T_COUNT)) {
                        e.doRemove();
                        removed[0]++;
                    }
                });
            }
        }
        if (removed[0] > 0) {
            log.info(
                    "removed {} message(s) of streams that were deleted, damaged or never finished appending",
                    removed[0]);
        }
    }

    private void rebuildIndex(ChronicleMap<String, byte[]> s, ChronicleMap<String, byte[]> t, long now)
            throws IOException {
        expiry.clear();
        reindex(s, t, now);
    }

    /**
     * Files every entry of both maps in the expiry index again, at a due time for its expiry, and
     * records that due time in place; a value too short to hold its header is filed as due now, so
     * that the sweeper removes it.
     */
    private void reindex(ChronicleMap<String, byte[]> s, ChronicleMap<String, byte[]> t, long now) {
        reindex(s, ExpiryLog.SESSION, Records.S_EXPIRES, Records.S_DUE, Records.S_HEADER, now);
        reindex(t, ExpiryLog.STREAM, Records.T_EXPIRES, Records.T_DUE, Records.T_HEADER, now);
    }

    private void reindexLimiters(ChronicleMap<String, byte[]> l, long now) {
        reindex(
                l,
                ExpiryLog.LIMITER,
                ChronicleLimiters.L_EXPIRES,
                ChronicleLimiters.L_DUE,
                ChronicleLimiters.L_HEADER,
                now);
    }

    /**
     * The iteration's update lock is enough for the in-place write: the due time is read only under
     * the entry's write lock.
     */
    private void reindex(ChronicleMap<String, byte[]> map, byte type, int expiresAt, int dueAt, int header, long now) {
        for (int i = 0; i < map.segments(); i++) {
            try (MapSegmentContext<String, byte[], ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    Data<String> k = e.key();
                    String id = k.get();
                    int idBytes = Text.utf8Length(id);
                    if (idBytes > Records.MAX_ID_BYTES) {
                        log.warn(
                                "not filing an entry of {} in the expiry index: its id of {} bytes is damaged",
                                map.name(),
                                idBytes);
                        return;
                    }
                    Data<byte[]> v = e.value();
                    if (v.size() < header) {
                        expiry.add(type, id, idBytes, now, now);
                        return;
                    }
                    long exp = v.bytes().readLong(v.offset() + expiresAt);
                    long due = expiry.add(type, id, idBytes, exp, now);
                    ((RandomDataOutput<?>) v.bytes()).writeLong(v.offset() + dueAt, due);
                });
            }
        }
    }

    private <K> ChronicleMap<K, byte[]> resize(
            ChronicleMap<K, byte[]> old, ChronicleMapBuilder<K, byte[]> builder, String name) throws IOException {
        Path file = dir.resolve(name);
        Path next = dir.resolve(name + ".resize");
        Files.deleteIfExists(next);
        try (ChronicleMap<K, byte[]> target = builder.createPersistedTo(next.toFile())) {
            for (int i = 0; i < old.segments(); i++) {
                try (MapSegmentContext<K, byte[], ?> c = old.segmentContext(i)) {
                    c.forEachSegmentEntry(
                            e -> target.put(e.key().getUsing(null), e.value().getUsing(null)));
                }
            }
        }
        old.close();
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return builder.createPersistedTo(file.toFile());
    }

    /** Runs {@code task} if no other process or thread is sweeping this directory; returns -1 otherwise. */
    int sweepExclusively(java.util.function.IntSupplier task) {
        if (!sweepLock.tryLock()) {
            return -1;
        }
        try {
            FileLock l;
            try {
                l = sweepChannel.tryLock();
            } catch (IOException | OverlappingFileLockException e) {
                return -1;
            }
            if (l == null) {
                return -1;
            }
            try {
                return task.getAsInt();
            } finally {
                try {
                    l.release();
                } catch (IOException e) {
                    log.warn("cannot release the sweeper lock of {}", dir, e);
                }
            }
        } finally {
            sweepLock.unlock();
        }
    }

    private void detachOnExit() {
        synchronized (OPEN) {
            if (!closed) {
                OPEN.remove(dir);
                detach();
            }
        }
    }

    private void detach() {
        closed = true;
        FileLock gate = null;
        try {
            gate = awaitGate();
        } catch (IOException | RuntimeException e) {
            log.warn("closing the chronicle store in {} without its gate lock", dir, e);
        }
        try {
            closeQuietly(sessions);
            closeQuietly(streams);
            closeQuietly(messages);
            closeQuietly(limiters);
            try {
                journal.close();
            } catch (IOException e) {
                log.warn(
                        "cannot delete the journal {}: the next single opener will check the store", journal.file(), e);
            }
            attached.release();
            sweepChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the chronicle store in " + dir, e);
        } finally {
            try {
                if (gate != null) {
                    gate.release();
                }
                lockChannel.close();
            } catch (IOException e) {
                log.warn("cannot release the lock file of {}", dir, e);
            }
        }
    }

    boolean isOpen() {
        synchronized (OPEN) {
            return !closed;
        }
    }

    private static void closeQuietly(ChronicleMap<?, ?> m) {
        if (m != null) {
            try {
                m.close();
            } catch (RuntimeException e) {
                log.warn("closing {} failed", m.name(), e);
            }
        }
    }

    /** What went wrong, in words: the message, never the exception's class name. */
    private static String reason(IOException e) {
        return e.getMessage() == null ? "an input/output error" : e.getMessage();
    }

    static StoreException closedError(Path dir) {
        return new StoreException("the chronicle store in " + dir + " is closed");
    }
}
