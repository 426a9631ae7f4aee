package dev.hourglass.chronicle;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Poll;
import dev.hourglass.Store;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreOptions;
import dev.hourglass.Streams;
import dev.hourglass.chronicle.ChronicleSettings.Layout;
import dev.hourglass.contract.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader names one stream keeps (option {@code maxReaders}, 64 by default): every name counts
 * once, whether it reads with next, takes under a lease, or both; the name past the limit is refused
 * and the names within it keep working; the limit is kept in the directory's layout.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReaderLimitTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private Store open(String options) {
        return Hourglass.open(
                "chronicle:" + dir + "?maxSessions=100&maxStreams=10&maxMessages=100" + options,
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build());
    }

    /** A reader name of {@code bytes} bytes, numbered: the largest names make the largest headers. */
    private static String name(int i, int bytes) {
        String n = "r" + i + "-";
        return n + "x".repeat(bytes - n.length());
    }

    /** Uses {@code reader} both ways: a take under a lease, its ack, then a next. */
    private static void useFully(Streams s, String id, String reader) {
        Poll p = s.take(id, reader, Duration.ofSeconds(30)).orElseThrow();
        assertThat(p.message().orElseThrow().sequence()).isEqualTo(1);
        assertThat(s.ack(id, reader, 1)).isTrue();
        assertThat(s.next(id, reader).orElseThrow().message().orElseThrow().sequence())
                .isEqualTo(2);
    }

    private static void openWithTwoMessages(Streams s, String id) {
        s.open(id, Attributes.empty(), HOUR);
        s.append(id, "a".getBytes(UTF_8));
        s.append(id, "b".getBytes(UTF_8));
    }

    @Test
    void byDefaultAStreamKeeps64NamesThatEachTakeAndRead() {
        try (Store store = open("")) {
            Streams s = store.streams();
            openWithTwoMessages(s, "chat");
            for (int i = 0; i < 64; i++) {
                useFully(s, "chat", name(i, 256));
            }
            assertThatThrownBy(() -> s.take("chat", "one-more", Duration.ofSeconds(30)))
                    .isInstanceOf(StoreCapacityException.class)
                    .hasMessageContaining("'chat'")
                    .hasMessageContaining("64 reader names")
                    .hasMessageContaining("maxReaders");
            assertThatThrownBy(() -> s.next("chat", "one-more")).isInstanceOf(StoreCapacityException.class);
            assertThat(s.state("chat").orElseThrow().markers())
                    .hasSize(64)
                    .containsEntry(name(0, 256), 2L)
                    .containsEntry(name(63, 256), 2L)
                    .doesNotContainKey("one-more");
            // the names within the limit keep working, and another stream has its own
            assertThat(s.next("chat", name(5, 256)).orElseThrow().message()).isEmpty();
            openWithTwoMessages(s, "other");
            useFully(s, "other", "one-more");
        }
    }

    @Test
    void theOptionSetsTheLimitAndTheLargestOptionFitsTheLargestNames() {
        try (Store store = open("&maxReaders=3")) {
            Streams s = store.streams();
            openWithTwoMessages(s, "small");
            useFully(s, "small", "a");
            useFully(s, "small", "b");
            assertThat(s.next("small", "c").orElseThrow().message()).isPresent();
            assertThatThrownBy(() -> s.take("small", "d", Duration.ofSeconds(30)))
                    .isInstanceOf(StoreCapacityException.class)
                    .hasMessageContaining("3 reader names")
                    .hasMessageContaining("the 3 a stream");
            // a name that only read so far may still take: its lease entry does not count
            assertThat(s.take("small", "c", Duration.ofSeconds(30))
                            .orElseThrow()
                            .message()
                            .orElseThrow()
                            .sequence())
                    .isEqualTo(2);
        }
    }

    @Test
    void theLargestLimitHoldsItsNamesAtTheirLargest() throws Exception {
        try (Store store = open("&maxReaders=" + Layout.MAX_READERS)) {
            Streams s = store.streams();
            openWithTwoMessages(s, "wide");
            for (int i = 0; i < Layout.MAX_READERS; i++) {
                assertThat(s.take("wide", name(i, 256), Duration.ofSeconds(30))
                                .orElseThrow()
                                .message())
                        .isPresent();
            }
            assertThatThrownBy(() -> s.take("wide", "one-more", Duration.ofSeconds(30)))
                    .isInstanceOf(StoreCapacityException.class)
                    .hasMessageContaining(Layout.MAX_READERS + " reader names");
            assertThat(s.ack("wide", name(Layout.MAX_READERS - 1, 256), 1)).isTrue();
            assertThat(s.state("wide").orElseThrow().markers()).hasSize(Layout.MAX_READERS);
        }
        // the header of 1024 names at their largest is a record the store reads back after a reopen
        try (Store store = open("&maxReaders=" + Layout.MAX_READERS)) {
            assertThat(store.streams().state("wide").orElseThrow().markers())
                    .hasSize(Layout.MAX_READERS)
                    .containsEntry(name(Layout.MAX_READERS - 1, 256), 1L);
        }
    }

    @Test
    void theLimitIsKeptInTheLayoutAndRaisedWhenASingleProcessOpensWithMore() throws Exception {
        try (Store store = open("&maxReaders=2")) {
            openWithTwoMessages(store.streams(), "grow");
            useFully(store.streams(), "grow", "a");
            useFully(store.streams(), "grow", "b");
        }
        assertThat(Files.readString(dir.resolve("layout.properties"))).contains("maxReaders=2");
        try (Store store = open("")) {
            // opened with the default (64) alone: the layout grows to it and the data stays
            assertThat(Files.readString(dir.resolve("layout.properties"))).contains("maxReaders=64");
            assertThat(store.streams().state("grow").orElseThrow().markers())
                    .containsEntry("a", 2L)
                    .containsEntry("b", 2L);
            useFully(store.streams(), "grow", "c");
        }
        try (Store store = open("&maxReaders=1")) {
            // a smaller option never shrinks what the directory holds
            assertThat(Files.readString(dir.resolve("layout.properties"))).contains("maxReaders=64");
            useFully(store.streams(), "grow", "d");
        }
    }

    @Test
    void aLayoutWrittenBeforeTheOptionReadsAsTheDefault() throws Exception {
        Layout l = new Layout(100, 256, 1024, 10, 100, 64, 1024, 7);
        l.write(dir);
        Path file = dir.resolve("layout.properties");
        List<String> lines = Files.readAllLines(file);
        Files.write(
                file, lines.stream().filter(x -> !x.startsWith("maxReaders=")).toList());
        assertThat(Layout.read(dir)).isEqualTo(new Layout(100, 256, 1024, 10, 100, 64, 1024, Layout.DEFAULT_READERS));
        for (String bad : new String[] {"0", "-1", "1025", "abc", ""}) {
            Files.write(
                    file,
                    lines.stream()
                            .map(x -> x.startsWith("maxReaders=") ? "maxReaders=" + bad : x)
                            .toList());
            assertThatThrownBy(() -> Layout.read(dir))
                    .isInstanceOf(dev.hourglass.CorruptDataException.class)
                    .hasMessageContaining("maxReaders")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void optionValuesOutOfRangeAreRefusedNamingTheOptionAndTheValue() {
        for (String bad : new String[] {"0", "-3", "1025", "many", "1.5"}) {
            assertThatThrownBy(() -> open("&maxReaders=" + bad))
                    .as("maxReaders=%s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxReaders")
                    .hasMessageContaining(bad)
                    .hasMessageNotContaining(dir.toString());
        }
    }
}
