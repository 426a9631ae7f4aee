package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Millions of entries with one due time fill file after file of the expiry index: each record
 * still lands once, at or after the due time asked, and every one is drained once.
 */
class ExpiryLogSpillTest {

    @TempDir
    Path dir;

    @Test
    void entriesOfOneDueTimeSpillOverFullFilesAndAreAllDrainedOnce() throws Exception {
        ExpiryLog log = new ExpiryLog(dir);
        long now = 1_000_000_000L;
        long expiresAt = now + 5_000;
        long asked = ExpiryLog.dueTime(expiresAt, now);
        int n = 2_300_000; // 16-byte records: a little over two full 16 MiB files
        long latest = asked;
        int tail = 200_000;
        long t0 = System.nanoTime();
        long tailStart = 0;
        for (int i = 0; i < n; i++) {
            if (i == n - tail) {
                tailStart = System.nanoTime();
            }
            String id = "id-" + i;
            long due = log.add(ExpiryLog.SESSION, id, id.getBytes(StandardCharsets.UTF_8).length, expiresAt, now);
            assertThat(due).isGreaterThanOrEqualTo(latest);
            latest = due;
        }
        long end = System.nanoTime();
        double addNanos = (end - t0) / (double) n;
        double tailNanos = (end - tailStart) / (double) tail;
        // Past two full files, a write goes straight to the file with room: reopening the full ones on
        // every write (tens of microseconds each) is what this bound catches.
        assertThat(tailNanos).as("ns per add behind two full files").isLessThan(5_000);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).as("files the entries spilled over").isEqualTo(3);
        }
        assertThat(latest).isEqualTo(asked + 2 * ExpiryLog.GRID);

        BitSet seen = new BitSet(n);
        int[] twice = {0};
        int removed = 0;
        while (true) {
            int r = log.drain(latest + ExpiryLog.GRID, 500_000, (type, id) -> {
                int i = Integer.parseInt(id.substring(3));
                if (seen.get(i)) {
                    twice[0]++;
                }
                seen.set(i);
                return true;
            });
            if (r == 0) {
                break;
            }
            removed += r;
        }
        assertThat(removed).isEqualTo(n);
        assertThat(seen.cardinality()).isEqualTo(n);
        assertThat(twice[0]).isZero();
        System.out.printf(
                "expiry index: %,d entries of one due time in 3 files, %.0f ns per add (%.0f behind two full files)%n",
                n, addNanos, tailNanos);
    }
}
