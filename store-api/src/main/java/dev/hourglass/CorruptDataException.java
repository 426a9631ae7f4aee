package dev.hourglass;

/** Stored bytes do not decode into what they should be. */
public class CorruptDataException extends StoreException {
    private static final long serialVersionUID = 1L;

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
