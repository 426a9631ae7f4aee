package dev.hourglass.spi;

import java.util.Set;

/**
 * A backend, found with {@link java.util.ServiceLoader} and chosen by URI scheme. Register the
 * implementation in {@code META-INF/services/dev.hourglass.spi.StoreProvider}.
 */
public interface StoreProvider {

    /** The URI schemes this provider opens, e.g. {@code chronicle} or {@code jdbc:mysql}. */
    Set<String> schemes();

    /** Opens a backend; throws IllegalArgumentException naming a bad option and its value. */
    Backend open(StoreConfig config);
}
