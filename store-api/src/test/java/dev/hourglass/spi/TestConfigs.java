package dev.hourglass.spi;

import dev.hourglass.ExpiryListener;
import dev.hourglass.StoreOptions;

/**
 * Configs for tests that open a provider's backend directly, without a store in front; in the
 * test-jar so every backend's tests can use it, while main code can only derive configs.
 */
public final class TestConfigs {

    private TestConfigs() {}

    /** A config for {@code uri} (starting with {@code scheme:}) whose expiries go nowhere. */
    public static StoreConfig of(String uri, String scheme, StoreOptions options) {
        return of(uri, scheme, options, id -> {});
    }

    /** A config for {@code uri} (starting with {@code scheme:}) reporting expiries to {@code sink}. */
    public static StoreConfig of(String uri, String scheme, StoreOptions options, ExpiryListener sink) {
        return new StoreConfig(uri, scheme, options, sink);
    }
}
