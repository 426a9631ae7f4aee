package dev.hourglass.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.CorruptDataException;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.SlidingWindow;
import dev.hourglass.TokenBucket;
import java.time.Duration;
import java.time.ZoneId;

/**
 * Coverage-guided fuzzing of the limiter state decoders: any stored bytes under any spec give a
 * decision (whose new state decodes again) or {@link CorruptDataException}, never another exception.
 */
class LimiterStatesFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void storedStates(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 8);
        long now = data.consumeLong(-(1L << 45), 1L << 45);
        long limit = data.consumeLong(1, 10_000);
        Duration window = Duration.ofMillis(data.consumeLong(1, 1L << 32));
        byte[] state = data.consumeBoolean() ? null : data.consumeBytes(data.consumeInt(0, 300));
        try {
            LimiterCells.Update<?> u;
            if (which < 5) {
                RateLimit spec = switch (which) {
                    case 0 -> Quota.rolling("f", limit, window);
                    case 1 -> Quota.perDay("f", limit, ZoneId.of("Asia/Kolkata"));
                    case 2 -> SlidingWindow.exact("f", limit, window);
                    case 3 -> SlidingWindow.approximate("f", limit, window);
                    default ->
                        TokenBucket.of(
                                "f",
                                limit,
                                data.consumeLong(1, 1_000),
                                Duration.ofMillis(data.consumeLong(1, 1L << 20)));
                };
                long n = data.consumeLong(1, spec.limit());
                LimiterCells.Update<RateDecision> d = LimiterStates.take("k", spec, state, n, now);
                RateDecision r = d.result();
                assertThat(r.remaining())
                        .as(
                                "remaining of %s over %s",
                                spec,
                                state == null
                                        ? "no state"
                                        : java.util.HexFormat.of().formatHex(state))
                        .isBetween(0L, spec.limit());
                String what = r + " of " + spec + " over "
                        + (state == null ? "no state" : java.util.HexFormat.of().formatHex(state));
                assertThat(r.retryAfter().isNegative()).as("retry: %s", what).isFalse();
                assertThat(r.resetAfter().isNegative()).as("reset: %s", what).isFalse();
                assertThat(r.admitted() == r.retryAfter().isZero())
                        .as(
                                "admitted exactly when no retry: %s of %s over %s",
                                r,
                                spec,
                                state == null
                                        ? "no state"
                                        : java.util.HexFormat.of().formatHex(state))
                        .isTrue();
                u = d;
            } else {
                String id = "permit-" + data.consumeInt(0, 3);
                long leaseEnd = now + data.consumeLong(1, 1L << 30);
                u = switch (which) {
                    case 5 -> {
                        LimiterCells.Update<PermitDecision> d = LimiterStates.acquire(
                                "k",
                                Permits.of("f", Math.min(limit, Permits.MAX_PERMITS), Duration.ofSeconds(1)),
                                state,
                                id,
                                now,
                                leaseEnd);
                        assertThat(d.result().remaining()).isNotNegative();
                        yield d;
                    }
                    case 6 -> LimiterStates.renew("k", state, id, now, leaseEnd);
                    case 7 -> LimiterStates.release("k", state, id, now);
                    default -> LimiterStates.inUse("k", state, now);
                };
            }
            if (u.state() != null) {
                LimiterStates.check("k", u.state());
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("limiter state of 'k'");
        }
    }
}
