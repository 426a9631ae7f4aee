package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.contract.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LimiterMetricsTest {

    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Store store;
    private Limiters limiters;

    @BeforeEach
    void open() {
        store = Hourglass.open(
                "memory:",
                StoreOptions.builder()
                        .meterRegistry(registry)
                        .clock(clock)
                        .sweeperAutoStart(false)
                        .build());
        limiters = store.limiters();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void decisionsAreCountedPerLimitNameAndOutcome() {
        Quota q = Quota.rolling("api", 2, Duration.ofMinutes(1));
        TokenBucket b = TokenBucket.of("burst", 1, 1, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            limiters.take(q, "tenant");
        }
        limiters.take(b, "tenant");
        limiters.take(b, "tenant");

        assertThat(decisions("api", "admitted")).isEqualTo(2);
        assertThat(decisions("api", "refused")).isEqualTo(3);
        assertThat(decisions("burst", "admitted")).isEqualTo(1);
        assertThat(decisions("burst", "refused")).isEqualTo(1);
    }

    @Test
    void permitsInUseFollowAcquireRenewReleaseAndLeaseEnds() {
        Permits p = Permits.of("workers", 3, Duration.ofSeconds(10));
        String first = limiters.acquire(p, "app").permit().orElseThrow().id();
        String second = limiters.acquire(p, "app").permit().orElseThrow().id();
        limiters.acquire(p, "other-app").permit().orElseThrow();
        assertThat(inUse("workers")).isEqualTo(3);

        assertThat(limiters.release(p, "app", second)).isTrue();
        assertThat(inUse("workers")).as("released").isEqualTo(2);
        assertThat(limiters.release(p, "app", second)).isFalse();
        assertThat(inUse("workers")).as("a second release changes nothing").isEqualTo(2);

        clock.advance(Duration.ofSeconds(6));
        assertThat(limiters.renew(p, "app", first)).isTrue();
        clock.advance(Duration.ofSeconds(4));
        assertThat(inUse("workers"))
                .as("the unrenewed lease has ended; the renewed one runs on")
                .isEqualTo(1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(inUse("workers")).as("the renewed lease has ended too").isZero();
        assertThat(limiters.release(p, "app", first)).isFalse();
        assertThat(inUse("workers")).isZero();
    }

    @Test
    void refusedAcquiresHoldNothingAndEachNameHasItsOwnGauge() {
        Permits one = Permits.of("single", 1, Duration.ofMinutes(1));
        Permits two = Permits.of("pair", 2, Duration.ofMinutes(1));
        limiters.acquire(one, "k").permit().orElseThrow();
        assertThat(limiters.acquire(one, "k").admitted()).isFalse();
        limiters.acquire(two, "k").permit().orElseThrow();
        limiters.acquire(two, "k").permit().orElseThrow();

        assertThat(inUse("single")).isEqualTo(1);
        assertThat(inUse("pair")).isEqualTo(2);
        assertThat(decisions("single", "refused")).isEqualTo(1);
        assertThat(registry.find("hourglass.limiter.permits.in.use").gauges())
                .as("one gauge per limit name")
                .hasSize(2);
    }

    @Test
    void leasesThatEndedAreDroppedWithoutAnyoneReadingTheGauge() {
        Permits p = Permits.of("short", 1, Duration.ofMillis(5));
        for (int i = 0; i < 5_000; i++) {
            limiters.acquire(p, "k" + i).permit().orElseThrow();
            clock.advance(Duration.ofMillis(10));
        }
        MicrometerRateLimitMetrics metrics = (MicrometerRateLimitMetrics) ((DefaultLimiters) limiters).metrics();
        assertThat(metrics.held("short")).as("ended leases kept in memory").isLessThanOrEqualTo(1024);
        assertThat(inUse("short")).isZero();
    }

    private double decisions(String name, String outcome) {
        return registry.get("hourglass.limiter.decisions")
                .tag("backend", "memory")
                .tag("name", name)
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    private double inUse(String name) {
        return registry.get("hourglass.limiter.permits.in.use")
                .tag("backend", "memory")
                .tag("name", name)
                .gauge()
                .value();
    }
}
