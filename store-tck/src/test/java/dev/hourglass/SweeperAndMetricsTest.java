package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.contract.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class SweeperAndMetricsTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void eachRunIsBoundedByTheBatchSizeAndTheTimeBudget() {
        StoreOptions options = StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .sweepBatchSize(100)
                .sweepTimeBudget(Duration.ofNanos(1))
                .build();
        try (Store store = Hourglass.open("memory:", options)) {
            for (int i = 0; i < 1_000; i++) {
                store.sessions().put("s" + i, Attributes.empty(), Duration.ofSeconds(1));
            }
            clock.advance(Duration.ofSeconds(1));
            SweeperStatus first = store.sweeper().orElseThrow().runNow();
            assertThat(first.removedLastRun()).isEqualTo(100);
            assertThat(first.backlog()).isEqualTo(900);
            assertThat(first.running()).isFalse();
            SweeperStatus second = store.sweeper().orElseThrow().runNow();
            assertThat(second.removedTotal()).isEqualTo(200);
        }
    }

    @Test
    void theScheduledSweeperRunsOnItsOwnAndStops() throws Exception {
        StoreOptions options = StoreOptions.builder()
                .clock(clock)
                .sweepInterval(Duration.ofMillis(20))
                .build();
        Set<String> expired = ConcurrentHashMap.newKeySet();
        try (Store store = Hourglass.open("memory:", options)) {
            store.sessions().onExpiry(expired::add);
            store.sessions().put("a", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (expired.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(expired).containsExactly("a");
            SweeperStatus status = store.sweeper().orElseThrow().status();
            assertThat(status.running()).isTrue();
            assertThat(status.nextRun()).isPresent();
        }
    }

    @Test
    void operationsAndErrorsAreTimedPerBackendWhenARegistryIsGiven() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StoreOptions options = StoreOptions.builder()
                .meterRegistry(registry)
                .sweeperAutoStart(false)
                .build();
        try (Store store = Hourglass.open("memory:", options)) {
            store.sessions().put("a", Attributes.empty(), Duration.ofMinutes(1));
            store.sessions().get("a");
            store.sessions().get("b");
            try {
                store.streams().append("none", new byte[1]);
            } catch (NoSuchStreamException expected) {
                // counted below
            }
        }
        assertThat(registry.get("hourglass.operations")
                        .tag("backend", "memory")
                        .tag("op", "get")
                        .tag("outcome", "success")
                        .tag("exception", "none")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("hourglass.operations")
                        .tag("op", "stream-append")
                        .tag("outcome", "error")
                        .tag("exception", "NoSuchStreamException")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("hourglass.operations")
                        .tag("op", "stream-append")
                        .tag("outcome", "success")
                        .timer()
                        .count())
                .isZero();
        assertThat(registry.find("hourglass.errors").meters()).isEmpty();
    }

    @Test
    void theSweepersTotalIsAFunctionCounterAndTheRestAreGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StoreOptions options = StoreOptions.builder()
                .clock(clock)
                .meterRegistry(registry)
                .sweeperAutoStart(false)
                .build();
        try (Store store = Hourglass.open("memory:", options)) {
            for (int i = 0; i < 3; i++) {
                store.sessions().put("s" + i, Attributes.empty(), Duration.ofSeconds(1));
            }
            clock.advance(Duration.ofSeconds(2));
            store.sweeper().orElseThrow().runNow();
            assertThat(registry.get("hourglass.sweeper.removed")
                            .tag("backend", "memory")
                            .functionCounter()
                            .count())
                    .isEqualTo(3.0);
            assertThat(registry.get("hourglass.sweeper.removed.last").gauge().value())
                    .isEqualTo(3.0);
            assertThat(registry.get("hourglass.sweeper.backlog").gauge().value())
                    .isZero();
            assertThat(registry.get("hourglass.sweeper.running").gauge().value())
                    .isZero();
        }
    }

    @Test
    void theMetricsBindToARegistryOnlyWhenAsked() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerMetrics metrics = new MicrometerMetrics("memory", Optional.empty());
        assertThat(registry.getMeters()).isEmpty();
        metrics.bindTo(registry);
        assertThat(registry.find("hourglass.operations")
                        .tag("outcome", "success")
                        .timers())
                .hasSize(Op.values().length);
    }
}
