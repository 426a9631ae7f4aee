package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store's files follow its data: an empty store of the default capacity takes a fraction of what a
 * full one needs, and the files grow as sessions come, up to the capacity, without refusing any.
 */
class FootprintTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void anEmptyDefaultStoreTakesAFractionOfItsCapacityAndGrowsWithItsSessions() {
        FakeClock clock = new FakeClock();
        StoreOptions options =
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
        long empty;
        try (Store store = Hourglass.open("chronicle:" + dir, options)) {
            empty = bytes();
            // the full default layout (200,000 sessions of 1 KiB) took 462 MB at open
            assertThat(empty).as("bytes of an empty default store").isLessThan(80 * MB);
            Sessions sessions = store.sessions();
            byte[] kib = new byte[1000];
            for (int first = 0; first < 200_000; first += 1_000) {
                Map<String, Attributes> batch = new LinkedHashMap<>();
                for (int i = first; i < first + 1_000; i++) {
                    kib[i % kib.length] = (byte) i;
                    batch.put("s" + i, Attributes.bytes(Map.of("v", kib.clone())));
                }
                sessions.putAll(batch, Duration.ofHours(1));
            }
            assertThat(sessions.count()).isEqualTo(200_000);
            assertThat(sessions.get("s199999").orElseThrow().attributes().getBytes("v"))
                    .hasSize(1000);
            assertThat(bytes()).as("bytes holding 200,000 sessions of 1 KiB").isGreaterThan(empty + 150 * MB);
        }
        try (Store store = Hourglass.open("chronicle:" + dir, options)) {
            assertThat(store.sessions().count()).as("sessions after reopening").isEqualTo(200_000);
        }
    }

    private long bytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
