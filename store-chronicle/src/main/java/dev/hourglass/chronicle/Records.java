package dev.hourglass.chronicle;

import dev.hourglass.CorruptDataException;
import dev.hourglass.Message;
import java.time.Instant;
import net.openhft.chronicle.bytes.RandomDataInput;

/**
 * Byte layouts of the values, native byte order. Fields rewritten in place (expiry, markers,
 * counters, status) are single 8- or 4-byte stores, so a killed process never leaves one torn.
 *
 * <p>Chronicle's memory is read without bounds checks, so every size and offset taken from a stored
 * value is checked here against the value's real size before anything is read at it.
 */
final class Records {

    private Records() {}

    /** Journal map codes. */
    static final int SESSIONS = 1;

    static final int STREAMS = 2;
    static final int MESSAGES = 3;

    /** The largest id or reader name in UTF-8. */
    static final int MAX_ID_BYTES = 256;

    static final int MAX_REASON_BYTES = 4096 * 3;

    // session: header, then the attributes in Attributes.toBytes() form
    static final int S_EXPIRES = 0;
    static final int S_ACCESSED = 8;
    static final int S_VERSION = 16;
    static final int S_CREATED = 24;
    static final int S_DUE = 32;
    static final int S_HEADER = 40;

    // stream: header, reason, metadata, then the readers (marker, name length, name)
    static final int T_EXPIRES = 0;
    static final int T_CREATED = 8;
    static final int T_COUNT = 16;
    static final int T_DUE = 24;
    static final int T_STATUS = 32;
    static final int T_READERS = 36;
    static final int T_REASON_LENGTH = 40;
    static final int T_METADATA_LENGTH = 44;
    static final int T_HEADER = 48;
    static final int READER_MARKER = 0;
    static final int READER_NAME_LENGTH = 8;
    static final int READER_NAME = 10;
    /**
     * The most one reader name adds to a stream header: its marker entry (marker, name length, name
     * of up to {@link #MAX_ID_BYTES}) and, once it takes under a lease, its lease entry (the same,
     * with a zero byte before the name). The layout's {@code maxReaders} names are room for this much.
     */
    static final int MAX_READER_BYTES = 2 * READER_NAME + 2 * MAX_ID_BYTES + 1;

    // message: timestamp, then the payload; key: sequence, then the stream id
    static final int M_TIMESTAMP = 0;
    static final int M_HEADER = 8;

    /** Room for the varint lengths of the attribute form beyond the names' and values' bytes. */
    static int encodingAllowance(int maxBytes) {
        return Math.max(4096, maxBytes / 4);
    }

    static int maxSessionRecord(int maxSessionBytes) {
        return S_HEADER + maxSessionBytes + encodingAllowance(maxSessionBytes);
    }

    /** The largest stream header a store of {@code layout} writes (metadata is bounded like a session). */
    static int maxStreamRecord(ChronicleSettings.Layout layout) {
        int maxMetadataBytes = layout.maxSessionBytes();
        return T_HEADER
                + MAX_REASON_BYTES
                + maxMetadataBytes
                + encodingAllowance(maxMetadataBytes)
                + layout.maxReaders() * MAX_READER_BYTES;
    }

    static int maxMessageRecord(int maxMessageBytes) {
        return M_HEADER + maxMessageBytes;
    }

    /**
     * The length of a session value's attributes, once its size is checked: a value shorter than its
     * header or longer than any this store writes is damaged.
     */
    static int sessionAttributeLength(String id, long size, int maxRecord) {
        if (size < S_HEADER || size > maxRecord) {
            throw new CorruptDataException("session '" + id + "' has a stored value of " + size + " bytes, outside the "
                    + S_HEADER + ".." + maxRecord + " its record takes");
        }
        return (int) (size - S_HEADER);
    }

    /** Whether a session value is large enough to hold its header and no larger than any this store writes. */
    static boolean sessionIntact(long size, int maxRecord) {
        return size >= S_HEADER && size <= maxRecord;
    }

    /** Whether a stream value is large enough to hold its fixed fields and no larger than any this store writes. */
    static boolean streamIntact(long size, int maxRecord) {
        return size >= T_HEADER && size <= maxRecord;
    }

    /** Checks that a stream value can hold its fixed fields before they are read in place. */
    static void checkStream(String id, long size, int maxRecord) {
        if (!streamIntact(size, maxRecord)) {
            throw new CorruptDataException("stream '" + id + "' has a stored header of " + size + " bytes, outside the "
                    + T_HEADER + ".." + maxRecord + " its record takes");
        }
    }

    /** The message count of a stream header, checked against the most messages the store holds. */
    static long checkCount(String id, long count, long maxCount) {
        if (count < 0 || count > maxCount) {
            throw new CorruptDataException(
                    "stream '" + id + "' has a stored message count of " + count + ", outside 0.." + maxCount);
        }
        return count;
    }

    /** The most messages one stream can count: more than the messages file holds. */
    static long maxCount(long maxMessages) {
        return maxMessages + maxMessages / 4 + 1024;
    }

    /** Decodes message {@code seq} of stream {@code id} from its stored value. */
    static Message message(String id, long seq, RandomDataInput in, long off, long size, int maxRecord) {
        if (size < M_HEADER || size > maxRecord) {
            throw new CorruptDataException("message " + seq + " of stream '" + id + "' has a stored value of " + size
                    + " bytes, outside the " + M_HEADER + ".." + maxRecord + " its record takes");
        }
        byte[] payload = new byte[(int) (size - M_HEADER)];
        in.read(off + M_HEADER, payload, 0, payload.length);
        return new Message(seq, payload, Instant.ofEpochMilli(in.readLong(off + M_TIMESTAMP)));
    }

    /** A message key decoded: the sequence number and the stream id; null when it is damaged. */
    record MessageKey(long seq, String stream) {}

    /** Decodes a message key (sequence, then the stream id in UTF-8); null when it cannot be one this store wrote. */
    static MessageKey messageKey(RandomDataInput in, long off, long size) {
        if (size < 9 || size > 8 + MAX_ID_BYTES) {
            return null;
        }
        long seq = in.readLong(off);
        String id = Utf8.readStrict(in, off + 8, (int) size - 8);
        return seq < 1 || id == null ? null : new MessageKey(seq, id);
    }
}
