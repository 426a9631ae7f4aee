package dev.hourglass.chronicle;

import static dev.hourglass.chronicle.Records.READER_MARKER;
import static dev.hourglass.chronicle.Records.READER_NAME;
import static dev.hourglass.chronicle.Records.READER_NAME_LENGTH;
import static dev.hourglass.chronicle.Records.T_COUNT;
import static dev.hourglass.chronicle.Records.T_CREATED;
import static dev.hourglass.chronicle.Records.T_DUE;
import static dev.hourglass.chronicle.Records.T_EXPIRES;
import static dev.hourglass.chronicle.Records.T_HEADER;
import static dev.hourglass.chronicle.Records.T_METADATA_LENGTH;
import static dev.hourglass.chronicle.Records.T_READERS;
import static dev.hourglass.chronicle.Records.T_REASON_LENGTH;
import static dev.hourglass.chronicle.Records.T_STATUS;

import dev.hourglass.CorruptDataException;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.Text;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * A stream's stored header, decoded: used where the header is rewritten whole (open, fail, a new
 * reader) and for {@code state}. Appends, reads and completion touch single fields in place.
 */
record StreamHeader(
        long expiresAt,
        long createdAt,
        long count,
        long due,
        int status,
        byte[] reason,
        byte[] metadata,
        List<Reader> readers) {

    record Reader(byte[] name, long marker) {}

    static StreamHeader fresh(long expiresAt, long now, long due, byte[] metadata) {
        return new StreamHeader(expiresAt, now, 0, due, 0, new byte[0], metadata, List.of());
    }

    /**
     * Decodes a whole stored header of {@code size} bytes at {@code off}.
     *
     * @throws CorruptDataException when a length, count or status does not fit the value's real size
     */
    static StreamHeader read(String id, RandomDataInput in, long off, long size) {
        try {
            long pos = readersAt(in, off, size);
            int reasonLength = in.readInt(off + T_REASON_LENGTH);
            int metadataLength = in.readInt(off + T_METADATA_LENGTH);
            int readers = in.readInt(off + T_READERS);
            byte[] reason = new byte[reasonLength];
            in.read(off + T_HEADER, reason, 0, reasonLength);
            if (Text.decodeUtf8(reason) == null) {
                throw new CorruptDataException("its failure reason is not UTF-8");
            }
            byte[] metadata = new byte[metadataLength];
            in.read(off + T_HEADER + reasonLength, metadata, 0, metadataLength);
            List<Reader> list = new ArrayList<>(readers);
            Set<String> names = new HashSet<>();
            for (int r = 0; r < readers; r++) {
                int n = nameLength(in, off, size, pos, r);
                byte[] name = new byte[n];
                in.read(pos + READER_NAME, name, 0, n);
                String text = Text.decodeUtf8(name);
                if (text == null) {
                    throw new CorruptDataException("reader " + r + " has a name that is not UTF-8");
                }
                if (!names.add(text)) {
                    throw new CorruptDataException("reader " + r + " repeats the name of another");
                }
                list.add(new Reader(name, in.readLong(pos + READER_MARKER)));
                pos += READER_NAME + n;
            }
            if (pos != off + size) {
                throw new CorruptDataException((off + size - pos) + " trailing bytes after " + readers + " readers");
            }
            long count = in.readLong(off + T_COUNT);
            if (count < 0) {
                throw new CorruptDataException("message count " + count);
            }
            int status = in.readInt(off + T_STATUS);
            StreamStatus.ofCode(status);
            return new StreamHeader(
                    in.readLong(off + T_EXPIRES),
                    in.readLong(off + T_CREATED),
                    count,
                    in.readLong(off + T_DUE),
                    status,
                    reason,
                    metadata,
                    list);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stream '" + id + "' has a damaged header: " + e.getMessage(), e);
        }
    }

    /**
     * Where {@code name}'s marker is, or -1.
     *
     * @throws CorruptDataException when the readers do not fit the value's real size
     */
    static long readerOffset(String id, RandomDataInput in, long off, long size, byte[] name) {
        try {
            long pos = readersAt(in, off, size);
            int readers = in.readInt(off + T_READERS);
            for (int r = 0; r < readers; r++) {
                int n = nameLength(in, off, size, pos, r);
                if (n == name.length && matches(in, pos + READER_NAME, name)) {
                    return pos + READER_MARKER;
                }
                pos += READER_NAME + n;
            }
            return -1;
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stream '" + id + "' has a damaged header: " + e.getMessage(), e);
        }
    }

    /** Checks the fixed fields' lengths against {@code size}; returns where the first reader is. */
    private static long readersAt(RandomDataInput in, long off, long size) {
        if (size < T_HEADER) {
            throw new CorruptDataException("header is " + size + " bytes");
        }
        int reasonLength = in.readInt(off + T_REASON_LENGTH);
        int metadataLength = in.readInt(off + T_METADATA_LENGTH);
        int readers = in.readInt(off + T_READERS);
        if (reasonLength < 0
                || reasonLength > Records.MAX_REASON_BYTES
                || metadataLength < 0
                || T_HEADER + (long) reasonLength + metadataLength > size) {
            throw new CorruptDataException("reason of " + reasonLength + " and metadata of " + metadataLength
                    + " bytes do not fit in " + size);
        }
        // each reader entry takes at least its marker, its name length and one byte of name
        if (readers < 0 || readers > (size - T_HEADER) / (READER_NAME + 1)) {
            throw new CorruptDataException(readers + " readers, more than " + size + " bytes hold");
        }
        return off + T_HEADER + reasonLength + metadataLength;
    }

    /** The name length of reader {@code r} at {@code pos}, once the reader is checked to fit. */
    private static int nameLength(RandomDataInput in, long off, long size, long pos, int r) {
        if (pos + READER_NAME > off + size) {
            throw new CorruptDataException("reader " + r + " runs past the end");
        }
        int n = in.readUnsignedShort(pos + READER_NAME_LENGTH);
        if (n < 1 || n > Records.MAX_ID_BYTES + 1 || pos + READER_NAME + n > off + size) {
            throw new CorruptDataException("reader " + r + " has a name of " + n + " bytes that does not fit");
        }
        return n;
    }

    private static boolean matches(RandomDataInput in, long at, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (in.readByte(at + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The failure reason of a stored header.
     *
     * @throws CorruptDataException when its length does not fit the value's real size or it is not UTF-8
     */
    static String reason(String id, RandomDataInput in, long off, long size) {
        int n = size < T_HEADER ? -1 : in.readInt(off + T_REASON_LENGTH);
        if (n < 0 || n > Records.MAX_REASON_BYTES || T_HEADER + (long) n > size) {
            throw new CorruptDataException(
                    "stream '" + id + "' has a damaged header: a reason of " + n + " bytes does not fit in " + size);
        }
        String reason = Utf8.readStrict(in, off + T_HEADER, n);
        if (reason == null) {
            throw new CorruptDataException("stream '" + id + "' has a damaged header: its failure reason is not UTF-8");
        }
        return reason;
    }

    StreamHeader withReader(byte[] name) {
        List<Reader> list = new ArrayList<>(readers);
        list.add(new Reader(name, 0));
        return new StreamHeader(expiresAt, createdAt, count, due, status, reason, metadata, list);
    }

    StreamHeader failed(int failedStatus, byte[] why) {
        return new StreamHeader(expiresAt, createdAt, count, due, failedStatus, why, metadata, readers);
    }

    /**
     * The name of the entry that keeps {@code name}'s lease end (epoch ms, 0 when none) in its marker
     * field: a zero byte, which no reader name holds, then the name.
     */
    static byte[] leaseName(byte[] name) {
        byte[] lease = new byte[name.length + 1];
        System.arraycopy(name, 0, lease, 1, name.length);
        return lease;
    }

    /** Each reader's marker; lease entries left out. */
    Map<String, Long> markers() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Reader r : readers) {
            if (r.name()[0] != 0) {
                m.put(new String(r.name(), StandardCharsets.UTF_8), r.marker());
            }
        }
        return m;
    }

    int size() {
        int n = T_HEADER + reason.length + metadata.length;
        for (Reader r : readers) {
            n += READER_NAME + r.name().length;
        }
        return n;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(size()).order(ByteOrder.nativeOrder());
        b.putLong(T_EXPIRES, expiresAt)
                .putLong(T_CREATED, createdAt)
                .putLong(T_COUNT, count)
                .putLong(T_DUE, due)
                .putInt(T_STATUS, status)
                .putInt(T_READERS, readers.size())
                .putInt(T_REASON_LENGTH, reason.length)
                .putInt(T_METADATA_LENGTH, metadata.length);
        b.position(T_HEADER);
        b.put(reason).put(metadata);
        for (Reader r : readers) {
            b.putLong(r.marker()).putShort((short) r.name().length).put(r.name());
        }
        return b.array();
    }
}
