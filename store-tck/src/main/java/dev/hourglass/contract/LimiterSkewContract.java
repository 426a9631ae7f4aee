package dev.hourglass.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Limiters;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.SlidingWindow;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.TokenBucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two stores on one engine whose clocks differ by 2 s take turns, and the bounds {@code Limiters}
 * documents for skew hold, measured in the true time (the slower clock). For backends whose state
 * two stores can share.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class LimiterSkewContract {

    protected static final long SKEW = 2_000;

    protected final FakeClock behind = new FakeClock();
    protected final FakeClock ahead = new FakeClock(behind.millis() + SKEW);
    private Store slow;
    private Store fast;

    /** A store on the shared engine with these options; both calls of one test must reach the same state. */
    protected abstract Store openStore(StoreOptions options);

    private StoreOptions options(FakeClock clock) {
        return StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @BeforeEach
    void openBoth() {
        slow = openStore(options(behind));
        fast = openStore(options(ahead));
    }

    @AfterEach
    void closeBoth() {
        slow.close();
        fast.close();
    }

    private void advance(long millis) {
        behind.advance(Duration.ofMillis(millis));
        ahead.advance(Duration.ofMillis(millis));
    }

    private Limiters turn(int i) {
        return (i % 2 == 0 ? slow : fast).limiters();
    }

    @Test
    void anExactWindowAdmitsAtMostTheLimitInAnyIntervalOfTheWindowLessTheSkew() {
        SlidingWindow w = SlidingWindow.exact("skewed-window", 10, Duration.ofSeconds(10));
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (turn(i).take(w, "k").admitted()) {
                admitted.add(behind.millis());
            }
            advance(100);
        }
        assertThat(admitted.size()).as("the limit keeps being reached").isGreaterThan(50);
        assertThat(LimiterContract.maxInAnyWindow(admitted, 10_000 - SKEW)).isLessThanOrEqualTo(10);
    }

    @Test
    void aQuotaNeverAdmitsMoreThanItsLimitPerStoredWindowAndWindowsStartAtMostTheSkewEarly() {
        Quota q = Quota.rolling("skewed-quota", 10, Duration.ofSeconds(10));
        Map<Long, Integer> perWindow = new HashMap<>();
        TreeMap<Long, Long> firstTake = new TreeMap<>();
        for (int i = 0; i < 600; i++) {
            FakeClock c = i % 2 == 0 ? behind : ahead;
            RateDecision d = turn(i).take(q, "k");
            long end = c.millis() + d.resetAfter().toMillis();
            if (d.admitted()) {
                perWindow.merge(end, 1, Integer::sum);
                firstTake.putIfAbsent(end, behind.millis());
            }
            advance(100);
        }
        assertThat(perWindow).hasSizeGreaterThan(5);
        assertThat(perWindow.values()).allMatch(n -> n <= 10);
        List<Long> starts = new ArrayList<>(firstTake.values());
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).as("window %d", i).isGreaterThanOrEqualTo(10_000 - SKEW);
        }
    }

    @Test
    void aBucketAdmitsAtMostCapacityPlusTheRefillOfTheIntervalAndTheSkew() {
        TokenBucket b = TokenBucket.of("skewed-bucket", 5, 1, Duration.ofSeconds(1));
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            if (turn(i).take(b, "k").admitted()) {
                admitted.add(behind.millis());
            }
            advance(100);
        }
        assertThat(admitted.size()).isGreaterThan(50);
        for (int i = 0; i < admitted.size(); i++) {
            for (int j = i; j < admitted.size(); j++) {
                long span = admitted.get(j) - admitted.get(i);
                assertThat((long) (j - i + 1))
                        .as("from %d to %d ms", admitted.get(i), admitted.get(j))
                        .isLessThanOrEqualTo(5 + (span + SKEW) / 1_000);
            }
        }
    }

    @Test
    void aLeaseEndsAtMostTheSkewEarlyForTheNodeAhead() {
        Permits p = Permits.of("skewed-permits", 1, Duration.ofSeconds(10));
        assertThat(slow.limiters().acquire(p, "k").admitted()).isTrue();
        advance(10_000 - SKEW - 1);
        assertThat(fast.limiters().acquire(p, "k").admitted()).isFalse();
        assertThat(slow.limiters().acquire(p, "k").admitted()).isFalse();
        advance(1);
        assertThat(fast.limiters().acquire(p, "k").admitted())
                .as("the node ahead sees the lease end 2 s early")
                .isTrue();
    }
}
