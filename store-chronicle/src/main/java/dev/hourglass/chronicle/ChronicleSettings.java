package dev.hourglass.chronicle;

import dev.hourglass.spi.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The directory and the sizes of one chronicle store, validated. The sizes that shape the map
 * files ({@link Layout}) are recorded in the directory when it is created.
 */
record ChronicleSettings(Path dir, Layout layout, Duration sweepInterval) {

    static final Set<String> OPTIONS = Set.of("maxSessions", "averageSessionBytes", "maxSessionBytes", "maxStreams",
            "maxMessages", "averageMessageBytes", "maxMessageBytes", "sweepInterval");

    /** The sizes the map files are built for. */
    record Layout(long maxSessions, int averageSessionBytes, int maxSessionBytes, long maxStreams, long maxMessages,
                  int averageMessageBytes, int maxMessageBytes) {

        static final int FORMAT = 1;
        private static final String FILE = "layout.properties";

        Layout {
            if (averageSessionBytes > maxSessionBytes) {
                throw new IllegalArgumentException("option 'averageSessionBytes' (" + averageSessionBytes
                        + ") must not be above 'maxSessionBytes' (" + maxSessionBytes + ")");
            }
            if (averageMessageBytes > maxMessageBytes) {
                throw new IllegalArgumentException("option 'averageMessageBytes' (" + averageMessageBytes
                        + ") must not be above 'maxMessageBytes' (" + maxMessageBytes + ")");
            }
        }

        /** Whether map files built for {@code this} can hold everything {@code wanted} asks for. */
        boolean covers(Layout wanted) {
            return maxSessions >= wanted.maxSessions && maxSessionBytes >= wanted.maxSessionBytes
                    && maxStreams >= wanted.maxStreams && maxMessages >= wanted.maxMessages
                    && maxMessageBytes >= wanted.maxMessageBytes;
        }

        /** The layout that holds both. */
        Layout union(Layout o) {
            return new Layout(Math.max(maxSessions, o.maxSessions), Math.max(averageSessionBytes, o.averageSessionBytes),
                    Math.max(maxSessionBytes, o.maxSessionBytes), Math.max(maxStreams, o.maxStreams),
                    Math.max(maxMessages, o.maxMessages), Math.max(averageMessageBytes, o.averageMessageBytes),
                    Math.max(maxMessageBytes, o.maxMessageBytes));
        }

        static Layout read(Path dir) {
            Path file = dir.resolve(FILE);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            if (!Integer.toString(FORMAT).equals(p.getProperty("format"))) {
                throw new IllegalStateException(file + " has format " + p.getProperty("format") + "; this version reads "
                        + FORMAT);
            }
            try {
                return new Layout(Long.parseLong(p.getProperty("maxSessions")),
                        Integer.parseInt(p.getProperty("averageSessionBytes")),
                        Integer.parseInt(p.getProperty("maxSessionBytes")), Long.parseLong(p.getProperty("maxStreams")),
                        Long.parseLong(p.getProperty("maxMessages")), Integer.parseInt(p.getProperty("averageMessageBytes")),
                        Integer.parseInt(p.getProperty("maxMessageBytes")));
            } catch (RuntimeException e) {
                throw new IllegalStateException(file + " is damaged: " + e.getMessage(), e);
            }
        }

        void write(Path dir) {
            Properties p = new Properties();
            p.setProperty("format", Integer.toString(FORMAT));
            p.setProperty("maxSessions", Long.toString(maxSessions));
            p.setProperty("averageSessionBytes", Integer.toString(averageSessionBytes));
            p.setProperty("maxSessionBytes", Integer.toString(maxSessionBytes));
            p.setProperty("maxStreams", Long.toString(maxStreams));
            p.setProperty("maxMessages", Long.toString(maxMessages));
            p.setProperty("averageMessageBytes", Integer.toString(averageMessageBytes));
            p.setProperty("maxMessageBytes", Integer.toString(maxMessageBytes));
            Path tmp = dir.resolve(FILE + ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    p.store(out, "Hourglass chronicle store layout: the sizes its map files were built for");
                }
                Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
            }
        }
    }

    static ChronicleSettings from(StoreConfig config) {
        config.requireKnown(OPTIONS);
        String location = config.location().trim();
        if (location.isEmpty()) {
            throw new IllegalArgumentException("the chronicle store needs a directory, e.g. chronicle:./data, was '"
                    + config.redactedUri() + "'");
        }
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        Path dir;
        try {
            dir = Path.of(location).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the chronicle store directory '" + location + "' is not a valid path: "
                    + e.getMessage(), e);
        }
        Layout layout = new Layout(
                config.longValue("maxSessions", 200_000, 1, 1L << 31),
                config.intValue("averageSessionBytes", 1024, 1, 1 << 24),
                config.intValue("maxSessionBytes", 64 * 1024, 16, 1 << 24),
                config.longValue("maxStreams", 10_000, 1, 1L << 28),
                config.longValue("maxMessages", 200_000, 1, 1L << 31),
                config.intValue("averageMessageBytes", 256, 1, 1 << 24),
                config.intValue("maxMessageBytes", 64 * 1024, 16, 1 << 24));
        Duration sweep = config.duration("sweepInterval", null, Duration.ofMillis(10), Duration.ofDays(1));
        return new ChronicleSettings(dir, layout, sweep);
    }
}
