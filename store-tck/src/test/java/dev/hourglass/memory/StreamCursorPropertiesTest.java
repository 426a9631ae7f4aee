package dev.hourglass.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.Hourglass;
import dev.hourglass.Message;
import dev.hourglass.Store;
import dev.hourglass.Streams;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The cursor read's and the lease's arguments at the Java API: {@code read(after, limit)} returns
 * exactly the messages after {@code after}, at most {@code limit}, for every after and limit in range,
 * and refuses the rest naming the argument and its value; a lease is taken from 1 ms to 1 hour.
 */
class StreamCursorPropertiesTest {

    private static final int MESSAGES = 40;
    private static Store store;
    private static Streams streams;

    @BeforeContainer
    static void open() {
        store = Hourglass.open("memory:");
        streams = store.streams();
        streams.open("cursor", Attributes.empty(), Duration.ofHours(1));
        for (int i = 1; i <= MESSAGES; i++) {
            streams.append("cursor", ("m" + i).getBytes(UTF_8));
        }
    }

    @AfterContainer
    static void close() {
        store.close();
    }

    @Provide
    Arbitrary<Long> afters() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(0, MESSAGES + 5),
                Arbitraries.longs().between(-5, -1),
                Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1));
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 1000),
                Arbitraries.integers().between(-3, 0),
                Arbitraries.of(1001, Integer.MAX_VALUE, Integer.MIN_VALUE));
    }

    @Property(tries = 300)
    void aCursorReadReturnsExactlyWhatFollows(@ForAll("afters") long after, @ForAll("limits") int limit) {
        boolean valid = after >= 0 && limit >= 1 && limit <= 1000;
        Statistics.collect(valid ? "valid" : "refused");
        Statistics.coverage(c -> {
            c.check("valid").count(k -> k > 0);
            c.check("refused").count(k -> k > 0);
        });
        if (!valid) {
            assertThatThrownBy(() -> streams.read("cursor", after, limit))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(after < 0 ? "after" : "limit")
                    .hasMessageContaining(String.valueOf(after < 0 ? after : limit));
            return;
        }
        Batch b = streams.read("cursor", after, limit).orElseThrow();
        List<Long> expected = after >= MESSAGES
                ? List.of()
                : LongStream.rangeClosed(after + 1, Math.min(MESSAGES, after + limit))
                        .boxed()
                        .toList();
        assertThat(b.messages()).extracting(Message::sequence).containsExactlyElementsOf(expected);
        assertThat(b.messages()).allSatisfy(m -> assertThat(m.text()).isEqualTo("m" + m.sequence()));
        assertThat(b.last()).isEqualTo(expected.isEmpty() ? after : expected.get(expected.size() - 1));
        assertThat(b.messageCount()).isEqualTo(MESSAGES);
        assertThat(b.ended()).isFalse();
    }

    @Property(tries = 200)
    void aLeaseIsTakenFromOneMillisecondToOneHour(@ForAll @IntRange(min = -2, max = 3_600_002) int millis) {
        Duration lease = Duration.ofMillis(millis);
        if (millis >= 1 && millis <= 3_600_000) {
            assertThat(streams.take("cursor", "lease-" + millis, lease)).isPresent();
        } else {
            assertThatThrownBy(() -> streams.take("cursor", "r", lease))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease")
                    .hasMessageContaining(lease.toString());
        }
    }
}
