package dev.hourglass;

/**
 * A listener's registration with {@link Sessions#onExpiry}; closing it removes the listener. Closing
 * twice does nothing more, and closing throws nothing checked, so it fits try-with-resources without
 * a {@code throws Exception}.
 */
public interface ExpiryRegistration extends AutoCloseable {

    /** Removes the listener; it is told of no expiry that starts after this returns. */
    @Override
    void close();
}
