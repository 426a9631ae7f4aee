package dev.hourglass;

/** An append to a stream that is already {@link StreamStatus#COMPLETED} or {@link StreamStatus#FAILED}. */
public class StreamClosedException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final StreamStatus status;

    public StreamClosedException(String streamId, StreamStatus status) {
        super("stream '" + streamId + "' is " + status + ": appends are rejected");
        this.status = status;
    }

    public StreamStatus status() {
        return status;
    }
}
