package dev.hourglass.chronicle;

import dev.hourglass.CorruptDataException;
import dev.hourglass.spi.Text;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Journal.class);

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
        long valueCapacity(int keyLength) {
            return capacity - ((KEY + (long) keyLength + 7) & ~7L);
        }

        /**
         * Starts a record for {@code map}; the caller writes the key at {@link #keyOffset()} and the
         * value at {@link #valueOffset()}.
         *
         * @throws IllegalArgumentException when a key and value of these lengths do not fit the slot
         */
        void begin(int map, int keyLength, int valueLength) {
            if (keyLength < 1 || valueLength < 0 || valueLength > valueCapacity(keyLength)) {
                throw new IllegalArgumentException("a record of a " + keyLength + "-byte key and a " + valueLength
                        + "-byte value does not fit this store's journal slot of " + capacity + " bytes");
            }
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

        /** Whether the key and value are ones a store of {@code layout} writes: only those are replayed. */
        boolean replayable(ChronicleSettings.Layout layout) {
            return switch (map) {
                case Records.SESSIONS ->
                    id() != null
                            && Records.sessionIntact(value.length, Records.maxSessionRecord(layout.maxSessionBytes()));
                case Records.STREAMS ->
                    id() != null && value.length <= Records.maxStreamRecord(layout) && decodesAsHeader();
                case Records.MESSAGES ->
                    Records.messageKey(BytesStore.wrap(key), 0, key.length) != null
                            && value.length >= Records.M_HEADER
                            && value.length <= Records.maxMessageRecord(layout.maxMessageBytes());
                default -> false;
            };
        }

        /** The key as a session or stream id; null when it cannot be one. */
        String id() {
            return key.length > Records.MAX_ID_BYTES ? null : Text.decodeUtf8(key);
        }

        private boolean decodesAsHeader() {
            try {
                StreamHeader.read(id(), BytesStore.wrap(value), 0, value.length);
                return true;
            } catch (CorruptDataException e) {
                return false;
            }
        }
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
        FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.lock();
            MappedByteBuffer header = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER);
            header.order(ByteOrder.nativeOrder());
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
                MappedByteBuffer mb =
                        channel.map(FileChannel.MapMode.READ_WRITE, pos, (long) SLOTS_PER_CHUNK * slotSize);
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

    /**
     * Reads the active records of a dead process's journal, slot by slot, without trusting any length
     * in it: a slot whose map code, key or value length does not fit the slot, the file or the sizes
     * given is skipped, and a file that is not a journal is ignored. Returns the number of slots
     * skipped as damaged.
     */
    static int readActive(Path file, int maxKeyBytes, int maxValueBytes, Consumer<Entry> action) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            if (length < HEADER) {
                return 0;
            }
            ByteBuffer header = read(ch, 0, HEADER);
            int slotSize = header.getInt(8);
            if (header.getLong(0) != MAGIC || slotSize < 4096 || slotSize % 4096 != 0) {
                log.warn("ignoring {}: it does not start with a journal header", file);
                return 1;
            }
            int damaged = 0;
            for (long base = HEADER; base + KEY <= length; base += slotSize) {
                ByteBuffer slot = read(ch, base, KEY);
                if (slot.getLong(STATE) == 0) {
                    continue;
                }
                int map = slot.getInt(MAP);
                int keyLength = slot.getInt(KEY_LENGTH);
                int valueLength = slot.getInt(VALUE_LENGTH);
                long valueAt = base + ((KEY + (long) keyLength + 7) & ~7L);
                if (map < Records.SESSIONS
                        || map > Records.MESSAGES
                        || keyLength < 1
                        || keyLength > maxKeyBytes
                        || valueLength < 0
                        || valueLength > maxValueBytes
                        || valueAt + valueLength > Math.min(length, base + slotSize)) {
                    damaged++;
                    continue;
                }
                action.accept(new Entry(
                        map,
                        read(ch, base + KEY, keyLength).array(),
                        read(ch, valueAt, valueLength).array()));
            }
            if (damaged > 0) {
                log.warn("skipped {} damaged record(s) in {}", damaged, file);
            }
            return damaged;
        }
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("the journal ended while it was read");
            }
        }
        return b.flip();
    }
}
