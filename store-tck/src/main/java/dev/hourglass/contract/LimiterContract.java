package dev.hourglass.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Limiters;
import dev.hourglass.Permit;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.SlidingWindow;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.TokenBucket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every backend keeps for limiters. A backend's test extends this class and opens a
 * fresh, empty store with the options given (a {@link FakeClock}, the sweeper not started).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class LimiterContract {

    protected static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    protected final FakeClock clock = new FakeClock();
    protected Store store;
    protected Limiters limiters;

    /** A fresh, empty store opened with exactly these options. */
    protected abstract Store openStore(StoreOptions options);

    protected StoreOptions options() {
        return StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .sweepBatchSize(500)
                .build();
    }

    @BeforeEach
    void openLimiterStore() {
        store = openStore(options());
        limiters = store.limiters();
    }

    @AfterEach
    void closeLimiterStore() {
        store.close();
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("rolling quota", Quota.rolling("contended-quota", 1_234, Duration.ofHours(1))),
                Arguments.of("daily quota", Quota.perDay("contended-day", 777, NEW_YORK)),
                Arguments.of("exact window", SlidingWindow.exact("contended-exact", 999, Duration.ofMinutes(1))),
                Arguments.of(
                        "approximate window",
                        SlidingWindow.approximate("contended-approx", 1_500, Duration.ofHours(1))),
                Arguments.of("token bucket", TokenBucket.of("contended-bucket", 2_000, 1, Duration.ofHours(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void exactlyTheLimitIsAdmittedOfEightThreadsTimesOneThousand(String kind, RateLimit limit) throws Exception {
        AtomicLong admitted = new AtomicLong();
        AtomicLong lowestRemaining = new AtomicLong(Long.MAX_VALUE);
        StoreContract.parallel(8, t -> {
            for (int i = 0; i < 1_000; i++) {
                RateDecision d = limiters.take(limit, "tenant-1");
                if (d.admitted()) {
                    admitted.incrementAndGet();
                    assertThat(d.retryAfter()).isZero();
                } else {
                    assertThat(d.retryAfter()).isPositive();
                }
                lowestRemaining.accumulateAndGet(d.remaining(), Math::min);
            }
        });
        assertThat(admitted.get()).as(kind).isEqualTo(limit.limit());
        assertThat(lowestRemaining.get()).isZero();
        RateDecision after = limiters.take(limit, "tenant-1");
        assertThat(after.admitted()).isFalse();
        assertThat(after.limit()).isEqualTo(limit.limit());
        assertThat(limiters.take(limit, "tenant-2").admitted())
                .as("another key has its own count")
                .isTrue();
    }

    @Test
    void permitsAreExactUnderEightThreadsTimesOneThousand() throws Exception {
        Permits permits = Permits.of("contended-permits", 37, Duration.ofMinutes(5));
        Set<String> ids = ConcurrentHashMap.newKeySet();
        AtomicLong refused = new AtomicLong();
        StoreContract.parallel(8, t -> {
            for (int i = 0; i < 1_000; i++) {
                PermitDecision d = limiters.acquire(permits, "app-1");
                d.permit().ifPresentOrElse(p -> ids.add(p.id()), refused::incrementAndGet);
            }
        });
        assertThat(ids).hasSize(37);
        assertThat(refused.get()).isEqualTo(8_000 - 37);
        assertThat(limiters.inUse(permits, "app-1")).isEqualTo(37);
    }

    @Test
    void aDailyQuotaResetsAtLocalMidnightNotAtUtcMidnight() {
        Quota daily = Quota.perDay("daily", 3, NEW_YORK);
        clock.set(LocalDateTime.of(2026, 3, 7, 18, 0).atZone(NEW_YORK).toInstant());
        for (int i = 0; i < 3; i++) {
            assertThat(limiters.take(daily, "tenant").admitted()).isTrue();
        }
        RateDecision refused = limiters.take(daily, "tenant");
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofHours(6));
        assertThat(refused.resetAfter()).isEqualTo(Duration.ofHours(6));

        clock.set(LocalDateTime.of(2026, 3, 7, 19, 30).atZone(NEW_YORK).toInstant());
        assertThat(clock.instant().atZone(ZoneId.of("UTC")).getDayOfMonth())
                .as("past UTC midnight")
                .isEqualTo(8);
        assertThat(limiters.take(daily, "tenant").admitted())
                .as("UTC midnight is not the reset")
                .isFalse();

        clock.set(LocalDateTime.of(2026, 3, 7, 23, 59, 59, 999_000_000)
                .atZone(NEW_YORK)
                .toInstant());
        assertThat(limiters.take(daily, "tenant").retryAfter()).isEqualTo(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(1));
        RateDecision fresh = limiters.take(daily, "tenant");
        assertThat(fresh.admitted()).as("local midnight").isTrue();
        assertThat(fresh.remaining()).isEqualTo(2);
        assertThat(fresh.resetAfter())
                .as("8 March 2026 has 23 hours in New York")
                .isEqualTo(Duration.ofHours(23));
    }

    @Test
    void aMonthlyQuotaFollowsTheCalendar() {
        Quota monthly = Quota.calendar("monthly", 1, ChronoUnit.MONTHS, ZoneId.of("Asia/Kolkata"));
        clock.set(LocalDateTime.of(2026, 2, 28, 23, 0)
                .atZone(ZoneId.of("Asia/Kolkata"))
                .toInstant());
        assertThat(limiters.take(monthly, "k").admitted()).isTrue();
        RateDecision d = limiters.take(monthly, "k");
        assertThat(d.admitted()).isFalse();
        assertThat(d.retryAfter()).isEqualTo(Duration.ofHours(1));
        clock.advance(Duration.ofHours(1));
        assertThat(limiters.take(monthly, "k").admitted()).isTrue();
    }

    @Test
    void aRollingQuotaStartsAtTheFirstTake() {
        Quota q = Quota.rolling("rolling", 2, Duration.ofSeconds(10));
        assertThat(limiters.take(q, "k").resetAfter()).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(4));
        RateDecision second = limiters.take(q, "k");
        assertThat(second.remaining()).isZero();
        assertThat(second.resetAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThat(limiters.take(q, "k").retryAfter()).isEqualTo(Duration.ofSeconds(6));
        clock.advance(Duration.ofMillis(5_999));
        assertThat(limiters.take(q, "k").admitted()).isFalse();
        clock.advance(Duration.ofMillis(1));
        RateDecision next = limiters.take(q, "k");
        assertThat(next.admitted()).isTrue();
        assertThat(next.resetAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void takingManyIsAllOrNothing() {
        Quota q = Quota.rolling("many", 10, Duration.ofMinutes(1));
        assertThat(limiters.take(q, "k", 7).remaining()).isEqualTo(3);
        RateDecision d = limiters.take(q, "k", 4);
        assertThat(d.admitted()).isFalse();
        assertThat(d.remaining()).as("a refusal takes nothing").isEqualTo(3);
        assertThat(limiters.take(q, "k", 3).admitted()).isTrue();
    }

    @Test
    void aSlidingWindowCountsAThousandEventsInOneMillisecond() {
        SlidingWindow w = SlidingWindow.exact("burst", 1_000, Duration.ofSeconds(1));
        for (int i = 0; i < 1_000; i++) {
            RateDecision d = limiters.take(w, "user");
            assertThat(d.admitted()).as("event %d", i).isTrue();
            assertThat(d.remaining()).isEqualTo(999 - i);
        }
        RateDecision refused = limiters.take(w, "user");
        assertThat(refused.admitted()).as("the 1001st in the same millisecond").isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(999));
        assertThat(limiters.take(w, "user").admitted()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiters.take(w, "user").admitted()).isTrue();
    }

    @Test
    void aSlidingWindowSlides() {
        SlidingWindow w = SlidingWindow.exact("slides", 10, Duration.ofSeconds(10));
        assertThat(limiters.take(w, "k", 4).admitted()).isTrue();
        clock.advance(Duration.ofSeconds(3));
        assertThat(limiters.take(w, "k", 6).admitted()).isTrue();
        clock.advance(Duration.ofSeconds(3));
        RateDecision d = limiters.take(w, "k", 5);
        assertThat(d.admitted()).isFalse();
        assertThat(d.retryAfter())
                .as("the first 4 leave after 4 s, which is not enough for 5")
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(limiters.take(w, "k", 4).retryAfter()).isEqualTo(Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(4));
        RateDecision four = limiters.take(w, "k", 4);
        assertThat(four.admitted()).isTrue();
        assertThat(four.remaining()).isZero();
        assertThat(four.resetAfter()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anExactWindowNeverHoldsMoreThanTheLimitAnywhere() {
        SlidingWindow w = SlidingWindow.exact("anywhere", 5, Duration.ofMillis(100));
        List<Long> admitted = new ArrayList<>();
        long start = clock.millis();
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            clock.advance(Duration.ofMillis(r.nextInt(4)));
            if (limiters.take(w, "k").admitted()) {
                admitted.add(clock.millis() - start);
            }
        }
        assertThat(maxInAnyWindow(admitted, 100)).isEqualTo(5);
    }

    @Test
    void anApproximateWindowKeepsItsDocumentedBound() {
        long span = 1_000;
        SlidingWindow w = SlidingWindow.approximate("approx", 100, Duration.ofMillis(span));
        clock.set(java.time.Instant.ofEpochMilli((clock.millis() / span + 1) * span + span - 1));
        long start = clock.millis();
        List<Long> admitted = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            if (limiters.take(w, "k").admitted()) {
                admitted.add(clock.millis() - start);
            }
        }
        assertThat(admitted).as("one aligned window admits the limit").hasSize(100);
        for (int i = 0; i < 4_000; i++) {
            clock.advance(Duration.ofMillis(1));
            if (limiters.take(w, "k").admitted()) {
                admitted.add(clock.millis() - start);
            }
        }
        long most = maxInAnyWindow(admitted, span);
        assertThat(most)
                .as("at most twice the limit in any window")
                .isLessThanOrEqualTo(200)
                .isGreaterThan(100);
        for (long aligned = 0; aligned < 5_000; aligned += span) {
            long from = aligned + 1;
            long in =
                    admitted.stream().filter(t -> t >= from && t < from + span).count();
            assertThat(in).as("aligned window at %d", from).isLessThanOrEqualTo(100);
        }
    }

    @Test
    void anApproximateWindowWeighsThePreviousWindow() {
        long span = 10_000;
        SlidingWindow w = SlidingWindow.approximate("weighs", 10, Duration.ofMillis(span));
        clock.set(java.time.Instant.ofEpochMilli((clock.millis() / span + 1) * span));
        assertThat(limiters.take(w, "k", 10).admitted()).isTrue();
        clock.advance(Duration.ofMillis(span + span / 2));
        RateDecision d = limiters.take(w, "k", 6);
        assertThat(d.admitted()).as("half of the previous 10 still count").isFalse();
        assertThat(d.retryAfter()).isEqualTo(Duration.ofMillis(1_000));
        assertThat(limiters.take(w, "k", 5).admitted()).isTrue();
    }

    @Test
    void aTokenBucketRefillsAndSaysHowLongToWait() {
        TokenBucket b = TokenBucket.of("bucket", 10, 1, Duration.ofMillis(100));
        RateDecision first = limiters.take(b, "k", 10);
        assertThat(first.admitted()).isTrue();
        assertThat(first.remaining()).isZero();
        assertThat(first.resetAfter()).isEqualTo(Duration.ofSeconds(1));
        RateDecision refused = limiters.take(b, "k");
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(99));
        assertThat(limiters.take(b, "k").retryAfter()).isEqualTo(Duration.ofMillis(1));
        clock.advance(Duration.ofMillis(1));
        assertThat(limiters.take(b, "k").admitted()).isTrue();
        clock.advance(Duration.ofMillis(250));
        RateDecision five = limiters.take(b, "k", 5);
        assertThat(five.admitted()).isFalse();
        assertThat(five.remaining()).isEqualTo(2);
        assertThat(five.retryAfter()).isEqualTo(Duration.ofMillis(250));
        clock.advance(Duration.ofHours(1));
        RateDecision full = limiters.take(b, "k", 10);
        assertThat(full.admitted()).as("refilled to capacity and no further").isTrue();
        assertThat(limiters.take(b, "k").admitted()).isFalse();
    }

    @Test
    void aPermitFreesAtTheEndOfItsOwnLeaseAndNeverBefore() {
        Permits p = Permits.of("slots", 2, Duration.ofSeconds(10));
        Permit first = limiters.acquire(p, "app").permit().orElseThrow();
        assertThat(first.leaseEndsAt()).isEqualTo(clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(5));
        PermitDecision second = limiters.acquire(p, "app");
        assertThat(second.admitted()).isTrue();
        assertThat(second.remaining()).isZero();
        PermitDecision third = limiters.acquire(p, "app");
        assertThat(third.admitted()).isFalse();
        assertThat(third.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        clock.advance(Duration.ofMillis(4_999));
        assertThat(limiters.acquire(p, "app").admitted())
                .as("1 ms before the first lease ends")
                .isFalse();
        assertThat(limiters.inUse(p, "app")).isEqualTo(2);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiters.inUse(p, "app")).isEqualTo(1);
        assertThat(limiters.acquire(p, "app").admitted())
                .as("the first lease ended")
                .isTrue();
        PermitDecision full = limiters.acquire(p, "app");
        assertThat(full.admitted())
                .as("the second lease has not ended: acquires never renew other leases")
                .isFalse();
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limiters.release(p, "app", first.id()))
                .as("an expired permit releases nothing")
                .isFalse();
        assertThat(limiters.inUse(p, "app")).isEqualTo(2);
    }

    @Test
    void renewKeepsAPermit() {
        Permits p = Permits.of("renewed", 1, Duration.ofSeconds(10));
        Permit held = limiters.acquire(p, "app").permit().orElseThrow();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(9));
            assertThat(limiters.renew(p, "app", held.id())).isTrue();
            assertThat(limiters.acquire(p, "app").admitted()).isFalse();
        }
        clock.advance(Duration.ofMillis(9_999));
        assertThat(limiters.inUse(p, "app")).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(limiters.renew(p, "app", held.id()))
                .as("a lapsed permit is not revived")
                .isFalse();
        assertThat(limiters.inUse(p, "app")).isZero();
        Permit next = limiters.acquire(p, "app").permit().orElseThrow();
        assertThat(next.id()).isNotEqualTo(held.id());
        assertThat(limiters.release(p, "app", next.id())).isTrue();
        assertThat(limiters.release(p, "app", next.id())).as("a second release").isFalse();
        assertThat(limiters.inUse(p, "app")).isZero();
    }

    @Test
    void releasingAnUnknownOrExpiredPermitIsHarmless() {
        Permits p = Permits.of("harmless", 2, Duration.ofSeconds(10));
        assertThat(limiters.release(p, "app", "no-such-permit")).isFalse();
        assertThat(limiters.renew(p, "app", "no-such-permit")).isFalse();
        Permit a = limiters.acquire(p, "app").permit().orElseThrow();
        Permit b = limiters.acquire(p, "other").permit().orElseThrow();
        assertThat(limiters.release(p, "app", b.id()))
                .as("another key's permit")
                .isFalse();
        assertThat(limiters.release(p, "app", "no-such-permit")).isFalse();
        assertThat(limiters.inUse(p, "app")).isEqualTo(1);
        assertThat(limiters.inUse(p, "other")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(11));
        assertThat(limiters.release(p, "app", a.id())).isFalse();
        assertThat(limiters.inUse(p, "app")).isZero();
        assertThat(limiters.acquire(p, "app").remaining()).isEqualTo(1);
    }

    @Test
    void stateExpiresWithItsWindow() {
        Quota q = Quota.rolling("expiring", 1, Duration.ofSeconds(1));
        TokenBucket b = TokenBucket.of("expiring-bucket", 1, 1, Duration.ofSeconds(1));
        Permits p = Permits.of("expiring-permits", 1, Duration.ofSeconds(1));
        assertThat(limiters.take(q, "k").admitted()).isTrue();
        assertThat(limiters.take(b, "k").admitted()).isTrue();
        assertThat(limiters.acquire(p, "k").admitted()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        store.sweeper().ifPresent(s -> s.runNow());
        RateDecision again = limiters.take(q, "k");
        assertThat(again.admitted()).isTrue();
        assertThat(again.remaining()).isZero();
        assertThat(limiters.take(b, "k").admitted()).isTrue();
        assertThat(limiters.acquire(p, "k").admitted()).isTrue();
    }

    @Test
    void badArgumentsNameTheArgument() {
        Duration m = Duration.ofMinutes(1);
        assertNames("limit", () -> Quota.rolling("q", 0, m));
        assertNames("limit", () -> Quota.rolling("q", -1, m));
        assertNames("window", () -> Quota.rolling("q", 1, Duration.ZERO));
        assertNames("window", () -> Quota.rolling("q", 1, Duration.ofMillis(-5)));
        assertNames("window", () -> Quota.rolling("q", 1, null));
        assertNames("calendar", () -> Quota.calendar("q", 1, ChronoUnit.SECONDS, NEW_YORK));
        assertNames("zone", () -> Quota.calendar("q", 1, ChronoUnit.DAYS, null));
        assertNames("limit", () -> SlidingWindow.exact("w", 0, m));
        assertNames("limit", () -> SlidingWindow.exact("w", SlidingWindow.MAX_EXACT_LIMIT + 1, m));
        assertNames("window", () -> SlidingWindow.approximate("w", 1, Duration.ZERO));
        assertNames("capacity", () -> TokenBucket.of("b", 0, 1, m));
        assertNames("refillTokens", () -> TokenBucket.of("b", 1, 0, m));
        assertNames("refillPeriod", () -> TokenBucket.of("b", 1, 1, Duration.ofSeconds(-1)));
        assertNames("max", () -> Permits.of("p", 0, m));
        assertNames("lease", () -> Permits.of("p", 1, Duration.ZERO));
        assertNames("lease", () -> Permits.of("p", 1, Duration.ofMillis(-1)));
        assertNames("name", () -> Quota.rolling("has:colon", 1, m));
        assertNames("name", () -> Quota.rolling("", 1, m));
        assertNames("name", () -> Permits.of(null, 1, m));

        Quota q = Quota.rolling("good", 5, m);
        Permits p = Permits.of("good", 1, m);
        assertNames("n", () -> limiters.take(q, "k", 6));
        assertNames("n", () -> limiters.take(q, "k", 0));
        assertNames("n", () -> limiters.take(q, "k", -1));
        assertNames("key", () -> limiters.take(q, ""));
        assertNames("key", () -> limiters.take(q, null));
        assertNames("key", () -> limiters.take(q, "bad\nkey"));
        assertNames("key", () -> limiters.take(q, "x".repeat(181)));
        assertThat(limiters.take(q, "x".repeat(180)).admitted()).isTrue();
        assertNames("limit", () -> limiters.take(null, "k"));
        assertNames("permits", () -> limiters.acquire(null, "k"));
        assertNames("key", () -> limiters.acquire(p, "\u0000"));
        assertNames("permitId", () -> limiters.renew(p, "k", ""));
        assertNames("permitId", () -> limiters.release(p, "k", "x".repeat(65)));
        assertNames("permitId", () -> limiters.release(p, "k", null));
        assertThat(limiters.take(q, "k").remaining())
                .as("nothing was counted by a bad call")
                .isEqualTo(4);
    }

    private static void assertNames(String argument, Supplier<?> call) {
        assertThatThrownBy(call::get)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(argument + " ");
    }

    /** The most admissions (times in ms, ascending) that fall in any half-open window of {@code span} ms. */
    static long maxInAnyWindow(List<Long> times, long span) {
        long most = 0;
        int from = 0;
        for (int to = 0; to < times.size(); to++) {
            while (times.get(to) - times.get(from) >= span) {
                from++;
            }
            most = Math.max(most, to - from + 1);
        }
        return most;
    }
}
