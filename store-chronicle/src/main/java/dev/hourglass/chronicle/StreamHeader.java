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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * A stream's stored header, decoded: used where the header is rewritten whole (open, fail, a new
 * reader) and for {@code state}. Appends, reads and completion touch single fields in place.
 */
record StreamHeader(long expiresAt, long createdAt, long count, long due, int status, byte[] reason, byte[] metadata,
                    List<Reader> readers) {

    record Reader(byte[] name, long marker) {
    }

    static StreamHeader fresh(long expiresAt, long now, long due, byte[] metadata) {
        return new StreamHeader(expiresAt, now, 0, due, 0, new byte[0], metadata, List.of());
    }

    static StreamHeader read(String id, RandomDataInput in, long off, long size) {
        try {
            if (size < T_HEADER) {
                throw new CorruptDataException("header is " + size + " bytes");
            }
            int reasonLength = in.readInt(off + T_REASON_LENGTH);
            int metadataLength = in.readInt(off + T_METADATA_LENGTH);
            int readers = in.readInt(off + T_READERS);
            if (reasonLength < 0 || metadataLength < 0 || readers < 0
                    || T_HEADER + (long) reasonLength + metadataLength > size) {
                throw new CorruptDataException("lengths out of range");
            }
            byte[] reason = new byte[reasonLength];
            in.read(off + T_HEADER, reason, 0, reasonLength);
            byte[] metadata = new byte[metadataLength];
            in.read(off + T_HEADER + reasonLength, metadata, 0, metadataLength);
            List<Reader> list = new ArrayList<>(readers);
            long pos = off + T_HEADER + reasonLength + metadataLength;
            for (int r = 0; r < readers; r++) {
                int n = in.readUnsignedShort(pos + READER_NAME_LENGTH);
                if (pos + READER_NAME + n > off + size) {
                    throw new CorruptDataException("reader " + r + " runs past the end");
                }
                byte[] name = new byte[n];
                in.read(pos + READER_NAME, name, 0, n);
                list.add(new Reader(name, in.readLong(pos + READER_MARKER)));
                pos += READER_NAME + n;
            }
            return new StreamHeader(in.readLong(off + T_EXPIRES), in.readLong(off + T_CREATED), in.readLong(off + T_COUNT),
                    in.readLong(off + T_DUE), in.readInt(off + T_STATUS), reason, metadata, list);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("stream '" + id + "' has a damaged header: " + e.getMessage(), e);
        }
    }

    /** Where {@code name}'s marker is, or -1. */
    static long readerOffset(RandomDataInput in, long off, byte[] name) {
        int readers = in.readInt(off + T_READERS);
        long pos = off + T_HEADER + in.readInt(off + T_REASON_LENGTH) + in.readInt(off + T_METADATA_LENGTH);
        for (int r = 0; r < readers; r++) {
            int n = in.readUnsignedShort(pos + READER_NAME_LENGTH);
            if (n == name.length && matches(in, pos + READER_NAME, name)) {
                return pos + READER_MARKER;
            }
            pos += READER_NAME + n;
        }
        return -1;
    }

    private static boolean matches(RandomDataInput in, long at, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (in.readByte(at + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    static String reason(RandomDataInput in, long off) {
        int n = in.readInt(off + T_REASON_LENGTH);
        byte[] b = new byte[n];
        in.read(off + T_HEADER, b, 0, n);
        return new String(b, StandardCharsets.UTF_8);
    }

    StreamHeader withReader(byte[] name) {
        List<Reader> list = new ArrayList<>(readers);
        list.add(new Reader(name, 0));
        return new StreamHeader(expiresAt, createdAt, count, due, status, reason, metadata, list);
    }

    StreamHeader failed(int failedStatus, byte[] why) {
        return new StreamHeader(expiresAt, createdAt, count, due, failedStatus, why, metadata, readers);
    }

    Map<String, Long> markers() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Reader r : readers) {
            m.put(new String(r.name(), StandardCharsets.UTF_8), r.marker());
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
        b.putLong(T_EXPIRES, expiresAt).putLong(T_CREATED, createdAt).putLong(T_COUNT, count).putLong(T_DUE, due)
                .putInt(T_STATUS, status).putInt(T_READERS, readers.size()).putInt(T_REASON_LENGTH, reason.length)
                .putInt(T_METADATA_LENGTH, metadata.length);
        b.position(T_HEADER);
        b.put(reason).put(metadata);
        for (Reader r : readers) {
            b.putLong(r.marker()).putShort((short) r.name().length).put(r.name());
        }
        return b.array();
    }
}
