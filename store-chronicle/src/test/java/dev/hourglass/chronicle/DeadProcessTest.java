package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.contract.SecondJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A process killed while it holds an entry's lock makes calls fail in bounded time, never hang. */
class DeadProcessTest {

    @TempDir
    Path root;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLockLeftByAKilledProcessFailsCallsInBoundedTimeUntilTheStoreIsRepaired() throws Exception {
        Path dir = root.resolve("store");
        String uri = "chronicle:" + dir + "?maxSessions=1000&maxStreams=10&maxMessages=1000";
        StoreOptions options = StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(2))
                .build();
        Path ready = root.resolve("locked");
        try (Store store = Hourglass.open(uri, options)) {
            store.sessions().put("victim", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            try (SecondJvm holder =
                    SecondJvm.start(LockHolder.class, uri, dir.toString(), "victim", ready.toString())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.exists(ready)) {
                    assertThat(holder.process().isAlive())
                            .as("holder alive: %s", holder.errorTail())
                            .isTrue();
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(20);
                }
                holder.process().toHandle().destroyForcibly();
                assertThat(holder.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.sessions().get("victim"))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("died");
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(seconds)
                    .as("a dead lock fails the call after the lock timeout, not 60 s")
                    .isLessThan(20);
        }
        long start = System.nanoTime();
        try (Store store = Hourglass.open(uri, options)) {
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .isLessThan(30);
            assertThat(store.sessions().get("victim").orElseThrow().attributes().getString("a"))
                    .isEqualTo("1");
            store.sessions().put("victim", Attributes.strings(Map.of("a", "2")), Duration.ofHours(1));
        }
    }
}
