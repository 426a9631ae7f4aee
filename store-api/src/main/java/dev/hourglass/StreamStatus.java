package dev.hourglass;

/** The life of a stream: appends are accepted only while it is {@link #OPEN}. */
public enum StreamStatus {
    OPEN,
    COMPLETED,
    FAILED;

    /** Single-byte code used by backends that store the status compactly. */
    public byte code() {
        return (byte) ordinal();
    }

    public static StreamStatus ofCode(int code) {
        StreamStatus[] all = values();
        if (code < 0 || code >= all.length) {
            throw new CorruptDataException("unknown stream status code " + code);
        }
        return all[code];
    }
}
