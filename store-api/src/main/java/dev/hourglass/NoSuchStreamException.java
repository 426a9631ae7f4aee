package dev.hourglass;

/** The stream does not exist, or has expired. */
public class NoSuchStreamException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchStreamException(String streamId) {
        super("stream '" + streamId + "' does not exist or has expired");
    }
}
