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
 * <p>Each map is sized for its capacity plus a quarter (Chronicle gives every segment its own fixed
 * space, and remove/refill churn fragments it), with segments large enough to hold the largest
 * value several times over. The store counts its own entries against the configured capacity, so
 * the headroom is never used for more entries.
 *
 * <p>A map's file does not take that whole size at once: it is created for an eighth of it and grows
 * by Chronicle's extra tiers (each bulk allocated in full on the disk before it is used, so a full
 * disk fails the write that needed the room rather than a later access to an unbacked page) as the
 * data comes. A lookup then walks a segment's tiers, at most {@value #GROWTH_STEPS} of them when the
 * map is full; the benchmarks measure what that costs at 100k and 10M sessions.
 */
final class Maps {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Maps.class);

    static final String SESSIONS = "sessions.cmap";
    static final String STREAMS = "streams.cmap";
    static final String MESSAGES = "messages.cmap";

    private static final int AVERAGE_ID_BYTES = 24;
    private static final double MAX_BLOAT = 1.5;
    /** A map file is created for this fraction of its capacity and grows in steps of about that size. */
    static final int GROWTH_STEPS = 8;

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

    /**
     * Sizes a map for {@code capacity} entries of {@code average} value bytes whose largest value is
     * {@code max} bytes: created for an eighth of it, with the room to grow to all of it.
     */
    static <K> ChronicleMapBuilder<K, byte[]> sized(
            ChronicleMapBuilder<K, byte[]> b, long capacity, int average, int max) {
        int entryBytes = average + AVERAGE_ID_BYTES + 16;
        long perSegment = Math.max(1024, 8L * (max + 512) / entryBytes);
        long full = Math.max(capacity + capacity / 4 + 64, perSegment);
        long first = Math.max(perSegment, (full + GROWTH_STEPS - 1) / GROWTH_STEPS);
        long segments = Math.max(1, Math.min(4096, Long.highestOneBit(first / perSegment)));
        return b.entries(first)
                .actualSegments((int) segments)
                .maxBloatFactor(MAX_BLOAT * full / first)
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
