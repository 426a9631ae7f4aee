package dev.hourglass.chronicle;

import dev.hourglass.chronicle.ChronicleSettings.Layout;
import java.io.File;
import java.io.IOException;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * How the three map files are built. Entry checksums are off: torn values are repaired from the
 * {@link Journal} instead, which also keeps in-place expiry updates to two plain stores.
 *
 * <p>Each map is built for its capacity plus a quarter (Chronicle gives every segment its own fixed
 * space, and remove/refill churn fragments it), with segments large enough to hold the largest
 * value several times over. The store counts its own entries against the configured capacity, so
 * the headroom is never used for more entries.
 */
final class Maps {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Maps.class);

    static final String SESSIONS = "sessions.cmap";
    static final String STREAMS = "streams.cmap";
    static final String MESSAGES = "messages.cmap";

    private static final int AVERAGE_ID_BYTES = 24;
    private static final double MAX_BLOAT = 1.5;

    private Maps() {}

    static ChronicleMapBuilder<String, byte[]> sessions(Layout l) {
        int average = Records.S_HEADER + l.averageSessionBytes() + 8;
        int max = Records.maxSessionRecord(l.maxSessionBytes());
        return sized(
                ChronicleMapBuilder.of(String.class, byte[].class)
                        .name("hourglass-sessions")
                        .averageKeySize(AVERAGE_ID_BYTES)
                        .averageValueSize(average),
                l.maxSessions(),
                average,
                max);
    }

    static ChronicleMapBuilder<String, byte[]> streams(Layout l) {
        int average = Records.T_HEADER + 256 + 2 * (Records.READER_NAME + 16);
        int max = Records.maxStreamRecord(l);
        return sized(
                ChronicleMapBuilder.of(String.class, byte[].class)
                        .name("hourglass-streams")
                        .averageKeySize(AVERAGE_ID_BYTES)
                        .averageValueSize(average),
                l.maxStreams(),
                average,
                max);
    }

    static ChronicleMapBuilder<byte[], byte[]> messages(Layout l) {
        int average = Records.M_HEADER + l.averageMessageBytes();
        int max = Records.maxMessageRecord(l.maxMessageBytes());
        return sized(
                ChronicleMapBuilder.of(byte[].class, byte[].class)
                        .name("hourglass-messages")
                        .averageKeySize(8 + AVERAGE_ID_BYTES)
                        .averageValueSize(average),
                l.maxMessages(),
                average,
                max);
    }

    private static <K> ChronicleMapBuilder<K, byte[]> sized(
            ChronicleMapBuilder<K, byte[]> b, long capacity, int average, int max) {
        int entryBytes = average + AVERAGE_ID_BYTES + 16;
        long perSegment = Math.max(1024, 8L * (max + 512) / entryBytes);
        long entries = Math.max(capacity + capacity / 4 + 64, perSegment);
        long segments = Math.max(1, Math.min(4096, Long.highestOneBit(entries / perSegment)));
        return b.entries(entries)
                .actualSegments((int) segments)
                .maxBloatFactor(MAX_BLOAT)
                .checksumEntries(false)
                .skipCloseOnExitHook(true);
    }

    /** Opens (or creates) a map file; with {@code recover}, repairs it first (no other process may have it open). */
    static <K> ChronicleMap<K, byte[]> open(ChronicleMapBuilder<K, byte[]> b, File file, boolean recover)
            throws IOException {
        if (!recover || !file.exists()) {
            return b.createPersistedTo(file);
        }
        int[] repaired = {0};
        ChronicleMap<K, byte[]> map = b.recoverPersistedTo(file, true, c -> {
            repaired[0]++;
            log.debug("repairing {}: {}", file, c.message());
        });
        if (repaired[0] > 0) {
            log.info("repaired {} inconsistencies in {}", repaired[0], file);
        }
        return map;
    }
}
