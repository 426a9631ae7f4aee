package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged stored values, files and metadata give CorruptDataException or are repaired; none reaches
 * Chronicle's memory, a mapped file or an allocation with an unchecked size.
 */
class DamagedRecordTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private StoreOptions options() {
        return StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
    }

    private String uri() {
        return "chronicle:" + dir + "?maxSessions=1000&maxStreams=100&maxMessages=1000";
    }

    private StoreDirectory directory() {
        return StoreDirectory.attached(dir);
    }

    private static byte[] header(int reasonLength, int metadataLength, int readers, long count, int status) {
        byte[] b = StreamHeader.fresh(Long.MAX_VALUE, 0, 0, new byte[0]).encode();
        ByteBuffer.wrap(b)
                .order(ByteOrder.nativeOrder())
                .putInt(Records.T_REASON_LENGTH, reasonLength)
                .putInt(Records.T_METADATA_LENGTH, metadataLength)
                .putInt(Records.T_READERS, readers)
                .putLong(Records.T_COUNT, count)
                .putInt(Records.T_STATUS, status);
        return b;
    }

    @Test
    void aSessionValueShorterThanItsHeaderIsReportedListedRepairedByAPutAndRemovedByDelete() {
        try (Store store = Hourglass.open(uri(), options())) {
            store.sessions().put("ok", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            directory().sessions.put("short", new byte[5]);
            assertThatThrownBy(() -> store.sessions().get("short"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("'short'")
                    .hasMessageContaining("5 bytes");
            assertThatThrownBy(() -> store.sessions().touch("short", Duration.ofHours(1)))
                    .isInstanceOf(CorruptDataException.class);
            assertThatThrownBy(() -> store.sessions().merge("short", Attributes.empty()))
                    .isInstanceOf(CorruptDataException.class);
            try (Stream<String> ids = store.sessions().ids()) {
                assertThat(ids.collect(Collectors.toList())).containsExactlyInAnyOrder("ok", "short");
            }
            assertThat(store.sessions().count()).isEqualTo(2);
            store.sessions().put("short", Attributes.strings(Map.of("b", "2")), Duration.ofHours(1));
            assertThat(store.sessions().get("short").orElseThrow().attributes().getString("b"))
                    .isEqualTo("2");
            directory().sessions.put("short", new byte[Records.S_HEADER - 1]);
            assertThat(store.sessions().delete("short")).isTrue();
            assertThat(directory().sessions.containsKey("short")).isFalse();
            assertThat(store.sessions().get("ok").orElseThrow().attributes().getString("a"))
                    .isEqualTo("1");
        }
    }

    @Test
    void aSessionValueLongerThanAnyTheStoreWritesIsReportedWithoutAllocatingIt() {
        try (Store store = Hourglass.open(uri() + "&maxSessionBytes=1024", options())) {
            int attributes = Records.maxSessionRecord(1024) + 1 - Records.S_HEADER;
            byte[] form =
                    Attributes.bytes(Map.of("b", new byte[attributes - 6])).toBytes();
            assertThat(form).hasSize(attributes);
            byte[] big = ByteBuffer.allocate(Records.S_HEADER + form.length)
                    .order(ByteOrder.nativeOrder())
                    .putLong(Long.MAX_VALUE)
                    .position(Records.S_HEADER)
                    .put(form)
                    .array();
            directory().sessions.put("big", big);
            assertThatThrownBy(() -> store.sessions().get("big"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("'big'");
        }
    }

    @Test
    void streamHeadersWithLengthsOrCountsOutOfRangeAreReportedNeverReadBeyondTheirSize() {
        try (Store store = Hourglass.open(uri(), options())) {
            List<byte[]> damaged = List.of(
                    header(Integer.MAX_VALUE, 0, 0, 0, 0),
                    header(-1, 0, 0, 0, 0),
                    header(0, 1 << 30, 0, 0, 0),
                    header(0, 0, Integer.MAX_VALUE, 1, 0),
                    header(0, 0, 1, 1, 0),
                    header(0, 0, 0, -5, 0),
                    header(0, 0, 0, 1, 99),
                    new byte[Records.T_HEADER - 1]);
            for (int i = 0; i < damaged.size(); i++) {
                String id = "t" + i;
                directory().streams.put(id, damaged.get(i));
                assertThatThrownBy(() -> {
                            store.streams().state(id);
                            store.streams().next(id, "r");
                        })
                        .as("header %d", i)
                        .isInstanceOf(CorruptDataException.class)
                        .hasMessageContaining("'" + id + "'");
                assertThat(store.streams().delete(id)).as("header %d", i).isTrue();
                assertThat(directory().streams.containsKey(id)).isFalse();
            }
        }
    }

    @Test
    void aFailedStreamWithADamagedReasonIsReported() {
        try (Store store = Hourglass.open(uri(), options())) {
            directory().streams.put("f", header(1 << 20, 0, 0, 0, 2));
            assertThatThrownBy(() -> store.streams().next("f", "r"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("reason");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aHugeStoredCountNeitherHangsDeleteNorTheSweeper() {
        try (Store store = Hourglass.open(uri(), options())) {
            store.streams().open("huge", Attributes.empty(), Duration.ofSeconds(5));
            store.streams().append("huge", "one".getBytes(StandardCharsets.UTF_8));
            byte[] h = directory().streams.get("huge");
            ByteBuffer.wrap(h).order(ByteOrder.nativeOrder()).putLong(Records.T_COUNT, Long.MAX_VALUE);
            directory().streams.put("huge", h);
            assertThatThrownBy(() -> store.streams().next("huge", "r"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("count");
            assertThatThrownBy(() -> store.streams().append("huge", new byte[1]))
                    .isInstanceOf(CorruptDataException.class);
            clock.advance(Duration.ofSeconds(10));
            store.sweeper().orElseThrow().runNow();
            assertThat(directory().streams.containsKey("huge")).isFalse();
            assertThat(directory().messages.longSize())
                    .as("the one real message went with its stream")
                    .isZero();
        }
    }

    @Test
    void aDamagedExpiryIndexFileIsDeletedAndEveryEntryFiledAgainSoNothingIsLeftUnswept() throws Exception {
        try (Store store = Hourglass.open(uri(), options())) {
            for (int i = 0; i < 20; i++) {
                store.sessions().put("s" + i, Attributes.empty(), Duration.ofSeconds(30));
            }
            store.sessions().put("long", Attributes.empty(), Duration.ofDays(1));
            List<Path> files;
            try (Stream<Path> s = Files.list(dir.resolve("expiry"))) {
                files = s.sorted().collect(Collectors.toList());
            }
            assertThat(files).isNotEmpty();
            try (var ch = java.nio.channels.FileChannel.open(files.get(0), java.nio.file.StandardOpenOption.WRITE)) {
                ByteBuffer junk = ByteBuffer.allocate(8)
                        .order(ByteOrder.nativeOrder())
                        .putInt(0x7fff_ffff)
                        .putInt(-1)
                        .flip();
                ch.write(junk, ExpiryLog.HEADER);
            }
            clock.advance(Duration.ofMinutes(1));
            store.sweeper().orElseThrow().runNow();
            assertThat(files.get(0)).doesNotExist();
            clock.advance(Duration.ofSeconds(5));
            store.sweeper().orElseThrow().runNow();
            assertThat(store.sessions().count()).isEqualTo(1);
            assertThat(directory().sessions.longSize())
                    .as("the expired ones were swept")
                    .isEqualTo(1);
        }
    }

    @Test
    void damagedJournalsAndMessageKeysLeftBehindAreSkippedByTheRepair() throws Exception {
        try (Store store = Hourglass.open(uri(), options())) {
            store.sessions().put("kept", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            store.streams().open("st", Attributes.empty(), Duration.ofHours(1));
            store.streams().append("st", "m".getBytes(StandardCharsets.UTF_8));
            directory().messages.put(new byte[3], new byte[20]);
            directory().messages.put(key(1, "gone"), new byte[20]);
        }
        Path processes = dir.resolve("processes");
        Files.write(
                processes.resolve("garbage.journal"),
                "not a journal at all, just text".repeat(10).getBytes());
        ByteBuffer j = ByteBuffer.allocate(64 + 4 * 4096).order(ByteOrder.nativeOrder());
        j.putLong(0, 0x4847_4c4a_4e4c_0001L).putInt(8, 4096);
        slot(j, 64, Records.SESSIONS, Integer.MAX_VALUE - 10, 8);
        slot(j, 64 + 4096, Records.SESSIONS, 4, 5).put(64 + 4096 + Journal.KEY, "kept".getBytes());
        slot(j, 64 + 2 * 4096, 77, 4, 48);
        slot(j, 64 + 3 * 4096, Records.STREAMS, 2, -1);
        Files.write(processes.resolve("crafted.journal"), j.array());
        try (Store store = Hourglass.open(uri(), options())) {
            assertThat(store.sessions().get("kept").orElseThrow().attributes().getString("a"))
                    .isEqualTo("1");
            assertThat(store.streams()
                            .next("st", "r")
                            .orElseThrow()
                            .message()
                            .orElseThrow()
                            .text())
                    .isEqualTo("m");
            assertThat(directory().messages.longSize())
                    .as("the damaged and orphan keys are gone")
                    .isEqualTo(1);
        }
        try (Stream<Path> left = Files.list(processes)) {
            assertThat(left.count()).isZero();
        }
    }

    private static ByteBuffer slot(ByteBuffer j, int base, int map, int keyLength, int valueLength) {
        return j.putLong(base, 1)
                .putInt(base + 8, map)
                .putInt(base + 12, keyLength)
                .putInt(base + 16, valueLength);
    }

    private static byte[] key(long seq, String id) {
        byte[] s = id.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + s.length)
                .order(ByteOrder.nativeOrder())
                .putLong(seq)
                .put(s)
                .array();
    }

    @Test
    void aDamagedLayoutFileIsCorruptDataNamingTheFile() throws Exception {
        try (Store store = Hourglass.open(uri(), options())) {
            store.sessions().put("x", Attributes.empty(), Duration.ofHours(1));
        }
        Path layout = dir.resolve("layout.properties");
        String good = Files.readString(layout);
        for (String bad : List.of(
                good.replaceAll("maxSessions=\\d+", "maxSessions=-5"),
                good.replaceAll("maxSessionBytes=\\d+", "maxSessionBytes=2147483647"),
                good.replaceAll("averageSessionBytes=\\d+", "averageSessionBytes=16777216"),
                good + "\nbroken=\\uZZZZ\n",
                good.replaceAll("format=1", "format=9"),
                "x".repeat(70_000))) {
            Files.writeString(layout, bad);
            assertThatThrownBy(() -> Hourglass.open(uri(), options()).close())
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("layout.properties");
        }
        Files.writeString(layout, good);
        try (Store store = Hourglass.open(uri(), options())) {
            assertThat(store.sessions().get("x")).isPresent();
        }
    }
}
