package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The stream parameters at the HTTP boundary: lease, ack, Last-Event-ID and from. Each value is taken
 * exactly when it is plain decimal digits in range (after trimming), and refused otherwise with a
 * 400 that names the parameter and shows at most a short, control-free copy of the value.
 */
class StreamParamsPropertiesTest {

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, 4_000_000).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings().numeric().ofMaxLength(25),
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.of("", " ", " 7 ", "+1", "-0", "0x10", "1e3", "١٢", "3600000", "3600001", "\u0000"));
    }

    private static Long plain(String v) {
        String t = v.trim();
        if (t.isEmpty() || t.length() > 18 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(t);
    }

    @Property(tries = 400)
    void leaseIsTakenExactlyInItsRange(@ForAll("values") String v) {
        Long n = plain(v);
        boolean ok = n != null && n >= 1 && n <= StreamParams.MAX_LEASE_MS;
        Statistics.collect(ok ? "taken" : "refused");
        Statistics.coverage(c -> {
            c.check("taken").count(k -> k > 0);
            c.check("refused").count(k -> k > 0);
        });
        if (ok) {
            assertThat(StreamParams.lease(v)).isEqualTo(n);
        } else {
            assertRefused(() -> StreamParams.lease(v), "lease", v);
        }
    }

    @Property(tries = 400)
    void ackIsTakenWhenItIsASequence(@ForAll("values") String v) {
        Long n = plain(v);
        if (n != null && n >= 1) {
            assertThat(StreamParams.ack(v)).isEqualTo(n);
        } else {
            assertRefused(() -> StreamParams.ack(v), "ack", v);
        }
    }

    @Property(tries = 400)
    void theHeaderWinsOverFromAndEitherMustBeASequence(
            @ForAll("values") String header, @ForAll("values") String from, @ForAll boolean withHeader) {
        String h = withHeader ? header : null;
        String name = withHeader ? "Last-Event-ID" : "from";
        String used = withHeader ? header : from;
        Long n = plain(used);
        if (n != null) {
            assertThat(StreamParams.resumeAfter(h, from)).isEqualTo(n);
        } else {
            assertRefused(() -> StreamParams.resumeAfter(h, from), name, used);
        }
    }

    @Property(tries = 50)
    void absentMeansNone(@ForAll boolean unused) {
        assertThat(StreamParams.lease(null)).isZero();
        assertThat(StreamParams.ack(null)).isZero();
        assertThat(StreamParams.resumeAfter(null, null)).isEqualTo(-1);
    }

    private static void assertRefused(Runnable call, String name, String value) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(name + " must be");
            assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
            assertThat(e.getMessage().length()).isLessThan(200);
            assertThat(e.getMessage()).contains(StreamParams.shown(value));
        });
    }
}
