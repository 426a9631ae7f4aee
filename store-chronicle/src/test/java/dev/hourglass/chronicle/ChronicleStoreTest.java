package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleStoreTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private StoreOptions options() {
        return StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
    }

    private String uri(String query) {
        return "chronicle:" + dir + "?maxStreams=100&maxMessages=10000&" + query;
    }

    @Test
    void everythingSurvivesAReopenAndACleanCloseLeavesNothingToRepair() throws Exception {
        Session s;
        try (Store store = Hourglass.open(uri("maxSessions=1000"), options())) {
            assertThat(store.capabilities()).contains(Capability.PERSISTENT, Capability.CROSS_PROCESS);
            s = store.sessions().put("kept", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            store.streams().open("st", Attributes.strings(Map.of("m", "x")), Duration.ofHours(1));
            store.streams().append("st", "one".getBytes());
            store.streams().next("st", "r");
            store.streams().append("st", "two".getBytes());
        }
        try (Stream<Path> journals = Files.list(dir.resolve("processes"))) {
            assertThat(journals.count()).isZero();
        }
        try (Store store = Hourglass.open(uri("maxSessions=1000"), options())) {
            assertThat(store.sessions().get("kept").orElseThrow()).isEqualTo(s);
            assertThat(store.streams().state("st").orElseThrow().markers()).containsEntry("r", 1L);
            assertThat(store.streams()
                            .next("st", "r")
                            .orElseThrow()
                            .message()
                            .orElseThrow()
                            .text())
                    .isEqualTo("two");
        }
    }

    @Test
    void twoStoresOfOneJvmShareTheDirectory() {
        try (Store b = Hourglass.open(uri("maxSessions=1000"), options())) {
            try (Store a = Hourglass.open(uri("maxSessions=1000"), options())) {
                a.sessions().put("x", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
                assertThat(b.sessions().get("x")).isPresent();
            }
            assertThat(b.sessions().get("x"))
                    .as("closing one store leaves the other working")
                    .isPresent();
            assertThat(b.isHealthy()).isTrue();
        }
    }

    @Test
    void optionsAreValidatedNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> Hourglass.open(uri("maxSessions=0"), options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessions")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> Hourglass.open(uri("maxSession=10"), options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSession")
                .hasMessageContaining("maxSessions");
        assertThatThrownBy(() -> Hourglass.open(uri("averageSessionBytes=2048&maxSessionBytes=1024"), options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("averageSessionBytes");
        assertThatThrownBy(() -> Hourglass.open(uri("sweepInterval=soon"), options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sweepInterval");
        assertThatThrownBy(() -> Hourglass.open("chronicle:", options()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("directory");
        assertThat(dir.resolve("layout.properties")).doesNotExist();
    }

    @Test
    void aLargerCapacityTakesEffectWhenOneProcessOpensTheDirectory() {
        try (Store store = Hourglass.open(uri("maxSessions=100"), options())) {
            for (int i = 0; i < 100; i++) {
                store.sessions()
                        .put("s" + i, Attributes.strings(Map.of("i", Integer.toString(i))), Duration.ofHours(1));
            }
            assertThatThrownBy(() -> store.sessions().put("more", Attributes.empty(), Duration.ofHours(1)))
                    .isInstanceOf(StoreCapacityException.class)
                    .hasMessageContaining("maxSessions");
        }
        try (Store store = Hourglass.open(uri("maxSessions=300&maxSessionBytes=200000"), options())) {
            for (int i = 100; i < 300; i++) {
                store.sessions()
                        .put("s" + i, Attributes.strings(Map.of("i", Integer.toString(i))), Duration.ofHours(1));
            }
            assertThat(store.sessions().count()).isEqualTo(300);
            assertThat(store.sessions().get("s7").orElseThrow().attributes().getString("i"))
                    .isEqualTo("7");
            assertThat(store.limits().maxSessionBytes()).isEqualTo(200_000);
            byte[] big = new byte[150_000];
            store.sessions().put("s7", Attributes.bytes(Map.of("big", big)), Duration.ofHours(1));
            assertThat(store.sessions().get("s7").orElseThrow().attributes().getBytes("big"))
                    .hasSize(150_000);
        }
        try (Store store = Hourglass.open(uri("maxSessions=100"), options())) {
            assertThat(store.sessions().count())
                    .as("a smaller value never shrinks a store")
                    .isEqualTo(300);
        }
    }

    @Test
    void theExpiryIndexHoldsOnlyWhatIsDueSoASweepNeverScansTheLiveEntries() {
        try (Store store = Hourglass.open(uri("maxSessions=30000"), options())) {
            for (int i = 0; i < 20_000; i++) {
                store.sessions().put("live-" + i, Attributes.empty(), Duration.ofDays(7));
            }
            for (int i = 0; i < 300; i++) {
                store.sessions().put("short-" + i, Attributes.empty(), Duration.ofSeconds(30));
            }
            clock.advance(Duration.ofMinutes(1));
            assertThat(store.sweeper().orElseThrow().runNow().removedLastRun()).isEqualTo(300);
            assertThat(store.sessions().count()).isEqualTo(20_000);
            clock.advance(Duration.ofDays(2));
            var later = store.sweeper().orElseThrow().runNow();
            assertThat(later.removedLastRun()).isZero();
            assertThat(later.backlog()).isZero();
            assertThat(store.sessions().count()).isEqualTo(20_000);
        }
    }

    @Test
    void fillAndCapacityAreGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Store store = Hourglass.open(
                uri("maxSessions=1000"),
                options().toBuilder().meterRegistry(registry).build())) {
            store.sessions().put("a", Attributes.empty(), Duration.ofHours(1));
            store.sessions().put("b", Attributes.empty(), Duration.ofHours(1));
            assertThat(registry.get("hourglass.store.entries")
                            .tag("kind", "sessions")
                            .gauge()
                            .value())
                    .isEqualTo(2);
            assertThat(registry.get("hourglass.store.capacity")
                            .tag("kind", "sessions")
                            .gauge()
                            .value())
                    .isEqualTo(1000);
            assertThat(registry.get("hourglass.store.capacity")
                            .tag("kind", "messages")
                            .gauge()
                            .value())
                    .isEqualTo(10_000);
            assertThat(registry.get("hourglass.store.free.percent")
                            .tag("kind", "sessions")
                            .gauge()
                            .value())
                    .isPositive();
        }
        assertThat(registry.find("hourglass.store.entries").gauges()).isEmpty();
    }
}
