package dev.hourglass.chronicle;

import dev.hourglass.CorruptDataException;
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

    static final Set<String> OPTIONS = Set.of(
            "maxSessions",
            "averageSessionBytes",
            "maxSessionBytes",
            "maxStreams",
            "maxMessages",
            "averageMessageBytes",
            "maxMessageBytes",
            "maxReaders",
            "sweepInterval");

    /** The sizes the map files are built for. */
    record Layout(
            long maxSessions,
            int averageSessionBytes,
            int maxSessionBytes,
            long maxStreams,
            long maxMessages,
            int averageMessageBytes,
            int maxMessageBytes,
            int maxReaders) {

        static final int FORMAT = 1;
        /** Reader names per stream when the option is not given, and in a layout written before it existed. */
        static final int DEFAULT_READERS = 64;
        /** The most reader names per stream the option allows. */
        static final int MAX_READERS = 1024;

        static final long MAX_SESSIONS = 1L << 31;
        static final long MAX_STREAMS = 1L << 28;
        static final long MAX_MESSAGES = 1L << 31;
        static final int MAX_BYTES = 1 << 24;
        static final int MIN_MAX_BYTES = 16;
        private static final String FILE = "layout.properties";
        private static final int MAX_FILE_BYTES = 64 * 1024;

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
            return maxSessions >= wanted.maxSessions
                    && maxSessionBytes >= wanted.maxSessionBytes
                    && maxStreams >= wanted.maxStreams
                    && maxMessages >= wanted.maxMessages
                    && maxMessageBytes >= wanted.maxMessageBytes
                    && maxReaders >= wanted.maxReaders;
        }

        /** The layout that holds both. */
        Layout union(Layout o) {
            return new Layout(
                    Math.max(maxSessions, o.maxSessions),
                    Math.max(averageSessionBytes, o.averageSessionBytes),
                    Math.max(maxSessionBytes, o.maxSessionBytes),
                    Math.max(maxStreams, o.maxStreams),
                    Math.max(maxMessages, o.maxMessages),
                    Math.max(averageMessageBytes, o.averageMessageBytes),
                    Math.max(maxMessageBytes, o.maxMessageBytes),
                    Math.max(maxReaders, o.maxReaders));
        }

        /** The layout recorded in {@code dir}, or null when it has none. */
        static Layout read(Path dir) {
            Path file = dir.resolve(FILE);
            if (!Files.isRegularFile(file)) {
                return null;
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            return parse(file.toString(), bytes);
        }

        /**
         * Decodes the stored form of a layout, checking every size against the range the options allow.
         *
         * @throws CorruptDataException when the bytes are not a layout this version wrote
         */
        static Layout parse(String file, byte[] bytes) {
            if (bytes.length > MAX_FILE_BYTES) {
                throw new CorruptDataException(file + " is damaged: it is larger than " + MAX_FILE_BYTES + " bytes");
            }
            Properties p = new Properties();
            try {
                p.load(new java.io.ByteArrayInputStream(bytes));
            } catch (IOException | IllegalArgumentException e) {
                throw new CorruptDataException(file + " is damaged: it does not parse as properties");
            }
            if (!Integer.toString(FORMAT).equals(p.getProperty("format"))) {
                throw new CorruptDataException(
                        file + " has format '" + shorten(p.getProperty("format")) + "'; this version reads " + FORMAT);
            }
            int averageSessionBytes = (int) stored(file, p, "averageSessionBytes", MAX_BYTES);
            int maxSessionBytes = (int) stored(file, p, "maxSessionBytes", MAX_BYTES);
            int averageMessageBytes = (int) stored(file, p, "averageMessageBytes", MAX_BYTES);
            int maxMessageBytes = (int) stored(file, p, "maxMessageBytes", MAX_BYTES);
            if (averageSessionBytes > maxSessionBytes || averageMessageBytes > maxMessageBytes) {
                throw new CorruptDataException(file + " is damaged: an average size is above its maximum");
            }
            return new Layout(
                    stored(file, p, "maxSessions", MAX_SESSIONS),
                    averageSessionBytes,
                    maxSessionBytes,
                    stored(file, p, "maxStreams", MAX_STREAMS),
                    stored(file, p, "maxMessages", MAX_MESSAGES),
                    averageMessageBytes,
                    maxMessageBytes,
                    p.getProperty("maxReaders") == null
                            ? DEFAULT_READERS
                            : (int) stored(file, p, "maxReaders", MAX_READERS));
        }

        private static long stored(String file, Properties p, String name, long max) {
            String v = p.getProperty(name);
            long min = name.startsWith("max") && name.endsWith("Bytes") ? MIN_MAX_BYTES : 1;
            try {
                long n = Long.parseLong(v == null ? "" : v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CorruptDataException(
                    file + " is damaged: " + name + " is '" + shorten(v) + "', not a number in " + min + ".." + max);
        }

        private static String shorten(String v) {
            if (v == null) {
                return "";
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < v.length() && sb.length() < 32; i++) {
                char c = v.charAt(i);
                sb.append(c < 0x20 || c >= 0x7F ? '?' : c);
            }
            return sb.toString();
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
            p.setProperty("maxReaders", Integer.toString(maxReaders));
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
            throw new IllegalArgumentException(
                    "the chronicle store needs a directory, e.g. chronicle:./data, was '" + config.redactedUri() + "'");
        }
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        Path dir;
        try {
            dir = Path.of(location).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "the chronicle store directory '" + location + "' is not a valid path: " + e.getMessage(), e);
        }
        Layout layout = new Layout(
                config.longValue("maxSessions", 200_000, 1, Layout.MAX_SESSIONS),
                config.intValue("averageSessionBytes", 1024, 1, Layout.MAX_BYTES),
                config.intValue("maxSessionBytes", 64 * 1024, Layout.MIN_MAX_BYTES, Layout.MAX_BYTES),
                config.longValue("maxStreams", 10_000, 1, Layout.MAX_STREAMS),
                config.longValue("maxMessages", 200_000, 1, Layout.MAX_MESSAGES),
                config.intValue("averageMessageBytes", 256, 1, Layout.MAX_BYTES),
                config.intValue("maxMessageBytes", 64 * 1024, Layout.MIN_MAX_BYTES, Layout.MAX_BYTES),
                config.intValue("maxReaders", Layout.DEFAULT_READERS, 1, Layout.MAX_READERS));
        Duration sweep = config.duration("sweepInterval", null, Duration.ofMillis(10), Duration.ofDays(1));
        return new ChronicleSettings(dir, layout, sweep);
    }
}
