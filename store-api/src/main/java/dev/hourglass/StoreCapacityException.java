package dev.hourglass;

/** The store is full: the message names the configured limit and the option that raises it. */
public class StoreCapacityException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreCapacityException(String message) {
        super(message);
    }

    public StoreCapacityException(String message, Throwable cause) {
        super(message, cause);
    }
}
