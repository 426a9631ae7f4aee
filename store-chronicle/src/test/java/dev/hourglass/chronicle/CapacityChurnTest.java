package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle Map loses room under remove/refill churn when it is filled to its configured size
 * (upstream issue 400). A TTL store does exactly that all day: these tests fill the store to its
 * capacity with values of mixed sizes, expire all of it and fill it again, many times. The map files
 * grow with the data (a file starts at a fraction of its capacity); fragmentation may add a few steps
 * after the first fill (up to a sixth, here, at a round that depends on the random ids), never more
 * than a third.
 */
class CapacityChurnTest {

    private static final int CAPACITY = 20_000;
    private static final Duration TTL = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private Store open() {
        return Hourglass.open(
                "chronicle:" + dir + "?maxSessions=" + CAPACITY + "&averageSessionBytes=1024",
                StoreOptions.builder()
                        .clock(clock)
                        .sweeperAutoStart(false)
                        .sweepBatchSize(5_000)
                        .build());
    }

    private static Attributes value(SplittableRandom random, int round, int i) {
        byte[] blob = new byte[200 + random.nextInt(1_800)];
        random.nextBytes(blob);
        return Attributes.bytes(Map.of(
                "round",
                Integer.toString(round).getBytes(),
                "i",
                Integer.toString(i).getBytes(),
                "blob",
                blob));
    }

    @Test
    void fiftyRoundsOfExpireAndRefillAtFullCapacityNeitherFailNorGrowWithoutBound() {
        SplittableRandom random = new SplittableRandom(42);
        try (Store store = open()) {
            Sessions sessions = store.sessions();
            long[] first = null;
            for (int round = 0; round < 50; round++) {
                for (int i = 0; i < CAPACITY; i++) {
                    sessions.create(value(random, round, i), TTL);
                }
                assertThat(sessions.count()).as("round %d", round).isEqualTo(CAPACITY);
                long[] now = fileSizes();
                if (round == 0) {
                    first = now;
                }
                for (int f = 0; f < now.length; f++) {
                    assertThat(now[f])
                            .as("map file %d after round %d, against %d after the first fill", f, round, first[f])
                            .isLessThanOrEqualTo(first[f] + first[f] / 3);
                }
                clock.advance(TTL);
                if (round % 2 == 0) {
                    store.sweeper().orElseThrow().runNow();
                }
                // odd rounds leave the expired sessions to the writes, which sweep when the store is full
            }
        }
    }

    @Test
    void aFullStoreRefusesNamingTheLimitAndTheOptionAndLosesNothing() {
        SplittableRandom random = new SplittableRandom(7);
        try (Store store = open()) {
            Sessions sessions = store.sessions();
            Session first = sessions.put("first", value(random, 0, -1), TTL);
            for (int i = 1; i < CAPACITY; i++) {
                sessions.create(value(random, 0, i), TTL);
            }
            assertThatThrownBy(() -> sessions.create(Attributes.empty(), TTL))
                    .isInstanceOf(StoreCapacityException.class)
                    .hasMessageContaining("maxSessions")
                    .hasMessageContaining(Integer.toString(CAPACITY));
            assertThatThrownBy(() -> sessions.put("one-more", Attributes.empty(), TTL))
                    .isInstanceOf(StoreCapacityException.class);
            assertThat(sessions.count()).isEqualTo(CAPACITY);
            assertThat(sessions.get("first").orElseThrow().attributes()).isEqualTo(first.attributes());
            assertThat(sessions.put("first", Attributes.strings(Map.of("a", "replaced")), TTL)
                            .attributes()
                            .getString("a"))
                    .as("replacing a session needs no room")
                    .isEqualTo("replaced");
            clock.advance(Duration.ofSeconds(1));
            sessions.touch("first", Duration.ofHours(1));
            clock.advance(TTL);
            assertThat(sessions.create(Attributes.empty(), TTL))
                    .as("expired sessions make room")
                    .isNotNull();
            assertThat(sessions.get("first")).isPresent();
        }
    }

    private long[] fileSizes() {
        try {
            return new long[] {
                Files.size(dir.resolve(Maps.SESSIONS)),
                Files.size(dir.resolve(Maps.STREAMS)),
                Files.size(dir.resolve(Maps.MESSAGES))
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
