package dev.hourglass.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * One process's redo journal, which is also its attachment to the directory: the file exists and
 * is locked while the process has the store open, and is deleted by a clean close. A file left
 * behind unlocked means its process died; the next process to open the directory alone replays the
 * writes it had in flight and repairs the maps.
 *
 * <p>Each thread owns a slot. A write of a whole value first builds the record (map, key, value) in
 * its slot, marks the slot active, lets Chronicle copy the value from the slot, and marks the slot
 * idle again before the entry's lock is released. So a value half-copied when the process was
 * killed is rewritten whole by the replay, and nothing written after the lock was released (by
 * another process) is ever overwritten by it.
 */
final class Journal implements AutoCloseable {

    static final String SUFFIX = ".journal";

    private static final int HEADER = 64;
    private static final int SLOTS_PER_CHUNK = 16;
    private static final long MAGIC = 0x4847_4c4a_4e4c_0001L;
    private static final Cleaner CLEANER = Cleaner.create();

    // slot layout
    private static final int STATE = 0;
    private static final int MAP = 8;
    private static final int KEY_LENGTH = 12;
    private static final int VALUE_LENGTH = 16;
    static final int KEY = 24;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final int slotSize;
    private final int maxKeyBytes;
    private final List<BytesStore<?, ?>> chunks = new ArrayList<>();
    private final ConcurrentLinkedQueue<Integer> free = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Holder> slots = ThreadLocal.withInitial(this::newHolder);
    private int allocated;

    /** A thread's slot: where it builds each record it writes. */
    static final class Slot {
        final BytesStore<?, ?> store;
        final long base;
        final int capacity;
        private int keyLength;
        private boolean busy;

        Slot(BytesStore<?, ?> store, long base, int capacity) {
            this.store = store;
            this.base = base;
            this.capacity = capacity;
        }

        long keyOffset() {
            return base + KEY;
        }

        int keyLength() {
            return keyLength;
        }

        long valueOffset() {
            return base + ((KEY + keyLength + 7) & ~7);
        }

        /** Bytes left for the value after a key of {@code keyLength} bytes. */
        int valueCapacity(int keyLength) {
            return capacity - ((KEY + keyLength + 7) & ~7);
        }

        /** Starts a record for {@code map}; the caller writes the key at {@link #keyOffset()}. */
        void begin(int map, int keyLength) {
            if (busy) {
                throw new IllegalStateException("journal slot already in use by this thread");
            }
            busy = true;
            this.keyLength = keyLength;
            store.writeInt(base + MAP, map);
            store.writeInt(base + KEY_LENGTH, keyLength);
        }

        /** Marks the record complete: from here a crash replays it. */
        void activate(int valueLength) {
            store.writeInt(base + VALUE_LENGTH, valueLength);
            store.writeOrderedLong(base + STATE, 1);
        }

        /** The write is in the map: nothing to replay. Call before the entry's lock is released. */
        void done() {
            store.writeOrderedLong(base + STATE, 0);
            busy = false;
        }

        /** Abandons a record that was never activated. */
        void cancel() {
            if (busy) {
                store.writeOrderedLong(base + STATE, 0);
                busy = false;
            }
        }
    }

    private static final class Holder {
        final Slot slot;

        Holder(Slot slot) {
            this.slot = slot;
        }
    }

    /** One record found in a dead process's journal. */
    record Entry(int map, byte[] key, byte[] value) {
    }

    private Journal(Path file, FileChannel channel, FileLock lock, int slotSize, int maxKeyBytes) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.slotSize = slotSize;
        this.maxKeyBytes = maxKeyBytes;
    }

    /** Creates this process's journal in {@code dir} and locks it. */
    static Journal create(Path dir, String name, int maxKeyBytes, int maxValueBytes) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + SUFFIX);
        int slotSize = (KEY + maxKeyBytes + 8 + maxValueBytes + 4095) & ~4095;
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.lock();
            MappedByteBuffer header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER);
            header.order(java.nio.ByteOrder.nativeOrder());
            header.putLong(0, MAGIC);
            header.putInt(8, slotSize);
            header.putLong(16, ProcessHandle.current().pid());
            return new Journal(file, ch, lock, slotSize, maxKeyBytes);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    int maxKeyBytes() {
        return maxKeyBytes;
    }

    /** The calling thread's slot. */
    Slot slot() {
        return slots.get().slot;
    }

    private Holder newHolder() {
        Integer index = free.poll();
        if (index == null) {
            index = allocate();
        }
        Slot slot = new Slot(chunkOf(index), (long) (index % SLOTS_PER_CHUNK) * slotSize, slotSize);
        Holder h = new Holder(slot);
        int freed = index;
        CLEANER.register(h, () -> free.add(freed));
        return h;
    }

    private synchronized int allocate() {
        int index = allocated++;
        if (index / SLOTS_PER_CHUNK >= chunks.size()) {
            try {
                long pos = HEADER + (long) chunks.size() * SLOTS_PER_CHUNK * slotSize;
                MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_WRITE, pos, (long) SLOTS_PER_CHUNK * slotSize);
                chunks.add(BytesStore.wrap(mb));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extend the journal " + file, e);
            }
        }
        return index;
    }

    private synchronized BytesStore<?, ?> chunkOf(int index) {
        return chunks.get(index / SLOTS_PER_CHUNK);
    }

    /** Releases the lock and deletes the file: the process detached cleanly. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            Files.deleteIfExists(file);
        }
    }

    /** Whether the journal file's process is gone: its lock can be taken. */
    static boolean isAbandoned(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false;
            }
            l.release();
            return true;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the active records of a dead process's journal. */
    static void readActive(Path file, Consumer<Entry> action) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < HEADER) {
            return;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.nativeOrder());
        if (b.getLong(0) != MAGIC) {
            return;
        }
        int slotSize = b.getInt(8);
        if (slotSize <= KEY) {
            return;
        }
        for (long base = HEADER; base + KEY <= all.length; base += slotSize) {
            int at = (int) base;
            if (b.getLong(at + STATE) == 0) {
                continue;
            }
            int map = b.getInt(at + MAP);
            int keyLength = b.getInt(at + KEY_LENGTH);
            int valueLength = b.getInt(at + VALUE_LENGTH);
            int valueAt = at + ((KEY + keyLength + 7) & ~7);
            if (keyLength <= 0 || valueLength < 0 || valueAt + (long) valueLength > Math.min(all.length, base + slotSize)) {
                continue;
            }
            byte[] key = java.util.Arrays.copyOfRange(all, at + KEY, at + KEY + keyLength);
            byte[] value = java.util.Arrays.copyOfRange(all, valueAt, valueAt + valueLength);
            action.accept(new Entry(map, key, value));
        }
    }
}
