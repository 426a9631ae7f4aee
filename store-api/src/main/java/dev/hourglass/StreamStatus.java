package dev.hourglass;

/** The life of a stream: appends are accepted only while it is {@link #OPEN}. */
public enum StreamStatus {
    OPEN(0),
    COMPLETED(1),
    FAILED(2);

    private final byte code;

    StreamStatus(int code) {
        this.code = (byte) code;
    }

    /** The code backends store for this status: fixed for each status, whatever the order of the constants. */
    public byte code() {
        return code;
    }

    /**
     * The status a stored code stands for.
     *
     * @throws CorruptDataException when no status has this code
     */
    public static StreamStatus ofCode(int code) {
        return switch (code) {
            case 0 -> OPEN;
            case 1 -> COMPLETED;
            case 2 -> FAILED;
            default -> throw new CorruptDataException("unknown stream status code " + code);
        };
    }
}
