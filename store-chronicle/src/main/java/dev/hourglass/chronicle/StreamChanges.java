package dev.hourglass.chronicle;

import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.StreamWatchers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-ups for waiting stream reads. In this process a change signals its watchers at once. Across
 * processes, each change also increments one of {@value #STRIPES} counters in the memory-mapped file
 * {@code stream-changes} (its stream id picks the counter); while anything is watched, one thread of
 * this process reads the counters of the watched streams every {@value #POLL_MILLIS} ms and signals
 * the watchers of a counter that another process moved. That costs one 8-byte read per watched
 * stream per round, no map access and no lock; a collision of two ids on one counter costs a reader
 * one extra read of the stream.
 */
final class StreamChanges implements StreamWatchers.Listener {

    static final String FILE = "stream-changes";
    static final int STRIPES = 4096;
    static final long POLL_MILLIS = 2;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final MappedByteBuffer counters;
    /** How many of each counter's increments this process made. */
    private final AtomicLongArray mine = new AtomicLongArray(STRIPES);

    private final StreamWatchers watchers = new StreamWatchers(this);
    private final Object lock = new Object();
    private Thread poller;

    StreamChanges(Path dir) {
        try (FileChannel ch = FileChannel.open(
                dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            counters = ch.map(FileChannel.MapMode.READ_WRITE, 0, STRIPES * 8L);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map the stream change counters", e);
        }
    }

    private static int stripe(String id) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    StreamBackend.Watch watch(String id, Runnable onChange) {
        return watchers.watch(id, onChange);
    }

    /** After a change to stream {@code id}: counts it for other processes, then wakes this one's watchers. */
    void changed(String id) {
        int s = stripe(id);
        LONGS.getAndAdd(counters, s * 8, 1L);
        mine.incrementAndGet(s);
        watchers.signal(id);
    }

    @Override
    public void first(String id) {
        synchronized (lock) {
            if (poller == null) {
                poller = new Thread(this::poll, "hourglass-chronicle-stream-changes");
                poller.setDaemon(true);
                poller.start();
            }
        }
    }

    @Override
    public void last(String id) {
        // the poller ends by itself once nothing is watched
    }

    private void poll() {
        long[] seenFile = new long[STRIPES];
        long[] seenMine = new long[STRIPES];
        for (int s = 0; s < STRIPES; s++) {
            seenMine[s] = mine.get(s);
            seenFile[s] = (long) LONGS.getVolatile(counters, s * 8);
        }
        // A change between a watch and the baseline above: wake once, in case another process made it.
        watchers.signalAll();
        boolean[] moved = new boolean[STRIPES];
        while (true) {
            synchronized (lock) {
                if (watchers.isEmpty()) {
                    poller = null;
                    return;
                }
            }
            Set<String> ids = watchers.ids();
            for (String id : ids) {
                int s = stripe(id);
                // this process counts its own increments after the file's: read them first
                long own = mine.get(s);
                long all = (long) LONGS.getVolatile(counters, s * 8);
                if (all - seenFile[s] > own - seenMine[s]) {
                    moved[s] = true;
                }
                seenFile[s] = all;
                seenMine[s] = own;
            }
            for (String id : ids) {
                if (moved[stripe(id)]) {
                    watchers.signal(id);
                }
            }
            Arrays.fill(moved, false);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
    }
}
