package dev.hourglass.chronicle;

import dev.hourglass.spi.Backend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import java.util.Set;

/**
 * {@code chronicle:<dir>}: the embedded default. Sessions and streams live off-heap in Chronicle
 * Map files under the directory, shared by every process of the host that opens it, and survive
 * restarts and crashes.
 *
 * <p>Options (URI query or {@link dev.hourglass.StoreOptions#properties()}): {@code maxSessions}
 * (default 200,000), {@code averageSessionBytes} (1 KiB), {@code maxSessionBytes} (64 KiB),
 * {@code maxStreams} (10,000), {@code maxMessages} (200,000), {@code averageMessageBytes} (256),
 * {@code maxMessageBytes} (64 KiB), {@code maxReaders} (64, at most 1,024) and {@code sweepInterval}.
 * Capacities and sizes are fixed when the directory is created; a directory opened later with larger
 * ones is resized when a single process opens it.
 *
 * <p>{@code maxReaders} is the number of reader names one stream keeps markers for; a name counts
 * once whether it reads with {@code next}, takes under a lease, or both, and the name past the limit
 * is refused with a {@link dev.hourglass.StoreCapacityException}. A stream's header holds only the
 * names it has (10 bytes and the name for the marker, 11 bytes and the name once it takes); the
 * option sets the largest header the map files are built for, 533 bytes more per name allowed,
 * without making the files larger; the streams file is sized for headers of about 360 bytes on
 * average, so streams that keep hundreds of names need a larger {@code maxStreams}.
 *
 * <p>Chronicle Map needs the JVM options listed by {@link #REQUIRED_JVM_OPTIONS}; opening fails
 * with one message naming the missing ones.
 */
public final class ChronicleProvider implements StoreProvider {

    /** The options a JVM that opens a {@code chronicle:} store must be started with. */
    public static final String REQUIRED_JVM_OPTIONS = String.join(" ", JvmOptions.REQUIRED);

    @Override
    public Set<String> schemes() {
        return Set.of("chronicle");
    }

    @Override
    public Backend open(StoreConfig config) {
        ChronicleSettings settings = ChronicleSettings.from(config);
        JvmOptions.check();
        JvmOptions.prepare(config.timeout());
        return new ChronicleBackend(config, settings);
    }
}
