package dev.hourglass.spring.boot;

import dev.hourglass.StoreOptions;

/**
 * Changes the options the auto-configured store is opened with, after the {@code hourglass.*}
 * properties are applied; every such bean of the application is applied in order.
 */
@FunctionalInterface
public interface StoreOptionsCustomizer {

    /**
     * Adjusts {@code options}.
     *
     * @throws IllegalArgumentException when an option set is not valid
     */
    void customize(StoreOptions.Builder options);
}
