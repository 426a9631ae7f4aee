package dev.hourglass.memory;

import dev.hourglass.spi.Backend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import java.util.Set;

/**
 * {@code memory:} the in-process reference store: every rule of the contract, nothing persisted.
 * Options: {@code maxSessionBytes} and {@code maxMessageBytes} (default 1 MiB each).
 */
public final class MemoryProvider implements StoreProvider {

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public Backend open(StoreConfig config) {
        return new MemoryBackend(config);
    }
}
