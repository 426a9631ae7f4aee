package dev.hourglass.chronicle;

/**
 * Byte layouts of the values, native byte order. Fields rewritten in place (expiry, markers,
 * counters, status) are single 8- or 4-byte stores, so a killed process never leaves one torn.
 */
final class Records {

    private Records() {
    }

    /** Journal map codes. */
    static final int SESSIONS = 1;
    static final int STREAMS = 2;
    static final int MESSAGES = 3;

    /** The largest id or reader name in UTF-8. */
    static final int MAX_ID_BYTES = 256;
    /** The readers one stream keeps markers for. */
    static final int MAX_READERS = 64;
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

    static int maxStreamRecord(int maxMetadataBytes) {
        return T_HEADER + MAX_REASON_BYTES + maxMetadataBytes + encodingAllowance(maxMetadataBytes)
                + MAX_READERS * (READER_NAME + MAX_ID_BYTES);
    }

    static int maxMessageRecord(int maxMessageBytes) {
        return M_HEADER + maxMessageBytes;
    }
}
