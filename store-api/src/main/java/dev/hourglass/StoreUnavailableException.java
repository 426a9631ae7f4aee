package dev.hourglass;

/**
 * The engine could not be reached or did not answer within the configured timeout. Retryable:
 * nothing already stored was lost, and the call may or may not have been applied.
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
