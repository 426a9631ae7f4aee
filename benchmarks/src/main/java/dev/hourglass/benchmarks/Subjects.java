package dev.hourglass.benchmarks;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Opens the Hourglass store of each backend, the way a service would: by URI. */
final class Subjects {

    private Subjects() {}

    /**
     * The options every store is opened with: the sweeper stopped (its cost is measured on its own)
     * and a {@value #TIMEOUT_SECONDS} s timeout instead of 2 s, so that a loaded machine does not fail
     * a call; neither changes the work an operation does.
     */
    static StoreOptions.Builder defaults() {
        return StoreOptions.builder().sweeperAutoStart(false).timeout(java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    static final int TIMEOUT_SECONDS = 10;

    /**
     * Every backend's store URI. Chronicle is sized for the data set plus the benchmarks' churn; a
     * JDBC store's pool has {@link Jdbc#POOL_SIZE} connections, as the raw JDBC and Spring Session pools.
     */
    static Opened hourglass(String backend, StoreOptions options) {
        StoreOptions o = options != null ? options : defaults().build();
        switch (backend) {
            case "memory":
                return new Opened(Hourglass.open("memory:", o), false, null);
            case "chronicle": {
                Path dir = tempDir("hourglass-bench-chronicle");
                return new Opened(Hourglass.open("chronicle:" + dir + chronicleQuery(), o), false, dir);
            }
            case "redis":
                return new Opened(Hourglass.open(Servers.redis() + "/0?prefix=hg:", o), true, null);
            case "mariadb":
            case "postgresql": {
                // The pool of the raw JDBC and Spring Session subjects' size (the store's default), stated.
                String url = Servers.database(backend).urlWithCredentials();
                url += (url.contains("?") ? "&" : "?") + "poolSize=" + Jdbc.POOL_SIZE;
                return new Opened(Hourglass.open(url, o), true, null);
            }
            default:
                throw new IllegalArgumentException(
                        "backend must be one of memory, chronicle, redis, mariadb, postgresql; was '" + backend + "'");
        }
    }

    /** The capacity settings of the Chronicle store, which the raw Chronicle Map copies. */
    static String chronicleQuery() {
        return "?maxSessions=" + ChronicleSizing.MAX_SESSIONS;
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An open store and what to clean up when it closes. */
    record Opened(Store store, boolean remote, Path dir) implements AutoCloseable {
        @Override
        public void close() {
            store.close();
            deleteTree(dir);
        }
    }

    /**
     * The store's sizing of its sessions map (store-chronicle's Maps.sessions with its default
     * average and maximum session sizes), copied for the raw Chronicle Map so both files are alike.
     */
    static final class ChronicleSizing {
        static final long MAX_SESSIONS = Math.max(200_000, Data.KEYS * 2L);
        static final int AVERAGE_SESSION_BYTES = 1024;
        static final int MAX_SESSION_BYTES = 64 * 1024;
        static final int HEADER = 40;
        static final int AVERAGE_ID_BYTES = 24;
        static final int AVERAGE_VALUE = HEADER + AVERAGE_SESSION_BYTES + 8;
        static final int MAX_VALUE = HEADER + MAX_SESSION_BYTES + Math.max(4096, MAX_SESSION_BYTES / 4);
        static final long PER_SEGMENT =
                Math.max(1024, 8L * (MAX_VALUE + 512) / (AVERAGE_VALUE + AVERAGE_ID_BYTES + 16));
        /** Entries the store's map is built to hold in full: the capacity plus a quarter. */
        static final long FULL = Math.max(MAX_SESSIONS + MAX_SESSIONS / 4 + 64, PER_SEGMENT);
        /** The store creates its map for an eighth of that and grows it in Chronicle's extra tiers. */
        static final long ENTRIES = Math.max(PER_SEGMENT, (FULL + 7) / 8);

        static final int SEGMENTS = (int) Math.max(1, Math.min(4096, Long.highestOneBit(ENTRIES / PER_SEGMENT)));
        static final double MAX_BLOAT = 1.5 * FULL / ENTRIES;
        /** A map allocated for all of it at once, as the store did before its files grew with the data. */
        static final int FULL_SEGMENTS = (int) Math.max(1, Math.min(4096, Long.highestOneBit(FULL / PER_SEGMENT)));

        private ChronicleSizing() {}
    }
}
