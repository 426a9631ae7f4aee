package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.chronicle.ChronicleSettings.Layout;
import dev.hourglass.spi.Text;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * The Chronicle record decoders on arbitrary bytes give the value or CorruptDataException and never
 * read outside the value (see {@link Decoders}); what the store writes decodes back exactly.
 */
class RecordDecoderPropertiesTest {

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("hourglass-decoders");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // arbitrary bytes

    @Property(tries = 3000)
    void arbitraryBytesAsASessionValue(@ForAll("stored") byte[] data) {
        assertThat(Decoders.outcome(data, Decoders::session)).matches("(?s)(value|corrupt) .*");
    }

    @Property(tries = 3000)
    void arbitraryBytesAsAStreamHeader(@ForAll("stored") byte[] data) {
        assertThat(Decoders.outcome(data, Decoders::streamHeader)).matches("(?s)(value|corrupt) .*");
    }

    @Property(tries = 3000)
    void streamHeadersWithArbitraryFieldsOverwritten(
            @ForAll("headers") StreamHeader h,
            @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 600) Integer> at,
            @ForAll @Size(min = 4, max = 4) List<Integer> values) {
        byte[] b = h.encode();
        ByteBuffer buffer = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        for (int i = 0; i < at.size(); i++) {
            int p = Math.min(at.get(i), b.length - 4) & ~3;
            if (p >= 0) {
                buffer.putInt(p, values.get(i));
            }
        }
        assertThat(Decoders.outcome(b, Decoders::streamHeader)).matches("(?s)(value|corrupt) .*");
    }

    @Property(tries = 2000)
    void arbitraryBytesAsAMessageAndAMessageKey(@ForAll("stored") byte[] data) {
        assertThat(Decoders.outcome(data, Decoders::message)).matches("(?s)(value|corrupt) .*");
        assertThat(Decoders.outcome(data, Decoders::messageKey)).startsWith("value ");
    }

    @Property(tries = 2000)
    void arbitraryBytesAsAnExpiryIndexFile(
            @ForAll("files") byte[] data, @ForAll @IntRange(min = 1, max = 50) int limit) {
        Decoders.Drained d = Decoders.expiryFile(data, limit);
        assertThat(d.pass().removed)
                .isLessThanOrEqualTo(limit)
                .isEqualTo(d.records().size() / 2);
    }

    @Property(tries = 500)
    void arbitraryBytesAsAJournal(@ForAll("files") byte[] data) {
        assertThat(Decoders.journal(dir.resolve("fuzzed.journal"), data)).isNotNull();
    }

    @Property(tries = 1000)
    void arbitraryBytesAsALayoutFile(@ForAll("stored") byte[] data) {
        assertThat(Decoders.layout(data)).matches("(?s)(value|corrupt) .*");
    }

    @Property(tries = 1000)
    void layoutFilesWithArbitraryValues(@ForAll("layoutValues") Map<String, String> values) {
        StringBuilder sb = new StringBuilder("format=1\n");
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        assertThat(Decoders.layout(sb.toString().getBytes(StandardCharsets.ISO_8859_1)))
                .matches("(?s)(value|corrupt) .*");
    }

    // round trips

    @Property(tries = 1000)
    void sessionRecordsRoundTrip(
            @ForAll long expires,
            @ForAll long accessed,
            @ForAll long version,
            @ForAll long created,
            @ForAll long due,
            @ForAll("attributes") Attributes attributes) {
        byte[] a = attributes.toBytes();
        byte[] value = ByteBuffer.allocate(Records.S_HEADER + a.length)
                .order(ByteOrder.nativeOrder())
                .putLong(expires)
                .putLong(accessed)
                .putLong(version)
                .putLong(created)
                .putLong(due)
                .put(a)
                .array();
        StringBuilder expected =
                new StringBuilder("value " + expires + "/" + accessed + "/" + version + "/" + created + "/" + due);
        for (String name : attributes.names()) {
            expected.append(' ').append(name).append('=').append(HexFormat.of().formatHex(attributes.getBytes(name)));
        }
        assertThat(Decoders.outcome(value, Decoders::session)).isEqualTo(expected.toString());
    }

    @Property(tries = 1000)
    void streamHeadersRoundTrip(@ForAll("headers") StreamHeader h) {
        byte[] b = h.encode();
        StreamHeader back = StreamHeader.read("t", BytesStore.wrap(b), 0, b.length);
        assertThat(back.encode()).isEqualTo(b);
        assertThat(back.markers()).isEqualTo(h.markers());
        assertThat(back.count()).isEqualTo(h.count());
        assertThat(back.metadata()).isEqualTo(h.metadata());
        assertThat(back.reason()).isEqualTo(h.reason());
        assertThat(Decoders.outcome(b, Decoders::streamHeader)).startsWith("value ");
    }

    @Property(tries = 1000)
    void messagesAndTheirKeysRoundTrip(
            @ForAll long timestamp,
            @ForAll @Size(max = 300) byte[] payload,
            @ForAll @IntRange(min = 1) int seq,
            @ForAll("ids") String id) {
        byte[] value = ByteBuffer.allocate(Records.M_HEADER + payload.length)
                .order(ByteOrder.nativeOrder())
                .putLong(timestamp)
                .put(payload)
                .array();
        assertThat(Decoders.outcome(value, Decoders::message))
                .isEqualTo("value " + java.time.Instant.ofEpochMilli(timestamp) + " "
                        + HexFormat.of().formatHex(payload));
        byte[] name = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = ByteBuffer.allocate(8 + name.length)
                .order(ByteOrder.nativeOrder())
                .putLong(seq)
                .put(name)
                .array();
        assertThat(Decoders.outcome(key, Decoders::messageKey)).isEqualTo("value " + new Records.MessageKey(seq, id));
    }

    @Property(tries = 50)
    void everyFiledIdIsHandedOnOnceInOrder(@ForAll @Size(max = 200) List<@net.jqwik.api.From("ids") String> ids)
            throws IOException {
        Path d = Files.createTempDirectory(dir, "expiry");
        ExpiryLog log = new ExpiryLog(d);
        long now = 1_000_000;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            log.add(i % 2 == 0 ? ExpiryLog.SESSION : ExpiryLog.STREAM, id, Text.utf8Length(id), now + 500, now);
        }
        List<String> seen = new ArrayList<>();
        int removed = log.drain(now + 10_000, Integer.MAX_VALUE, (type, id) -> seen.add(type + ":" + id));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            expected.add((i % 2 == 0 ? ExpiryLog.SESSION : ExpiryLog.STREAM) + ":" + ids.get(i));
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(removed).isEqualTo(ids.size());
        assertThat(log.drain(now + 20_000, Integer.MAX_VALUE, (type, id) -> seen.add(id)))
                .isZero();
    }

    @Property(tries = 100)
    void journalRecordsInFlightAreReadBackExactly(
            @ForAll("ids") String id,
            @ForAll @Size(max = 2000) byte[] tail,
            @ForAll @IntRange(min = 1, max = 3) int map)
            throws IOException {
        Path d = Files.createTempDirectory(dir, "journal");
        try (Journal j = Journal.create(d, "p", Records.MAX_ID_BYTES + 8, Decoders.MAX_SESSION)) {
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            byte[] value = ByteBuffer.allocate(Records.S_HEADER + tail.length)
                    .put(new byte[Records.S_HEADER])
                    .put(tail)
                    .array();
            Journal.Slot slot = j.slot();
            slot.begin(map, key.length, value.length);
            slot.store.write(slot.keyOffset(), key, 0, key.length);
            slot.store.write(slot.valueOffset(), value, 0, value.length);
            slot.activate(value.length);
            List<Journal.Entry> found = new ArrayList<>();
            assertThat(Journal.readActive(j.file(), Records.MAX_ID_BYTES + 8, Decoders.MAX_SESSION, found::add))
                    .isZero();
            slot.done();
            assertThat(found).hasSize(1);
            assertThat(found.get(0).map()).isEqualTo(map);
            assertThat(found.get(0).key()).isEqualTo(key);
            assertThat(found.get(0).value()).isEqualTo(value);
            if (map != Records.MESSAGES) {
                assertThat(found.get(0).id()).isEqualTo(id);
            }
            if (map == Records.SESSIONS) {
                assertThat(found.get(0).replayable(Decoders.LAYOUT)).isTrue();
            }
            found.clear();
            Journal.readActive(j.file(), Records.MAX_ID_BYTES + 8, Decoders.MAX_SESSION, found::add);
            assertThat(found).as("a finished write is not replayed").isEmpty();
        }
    }

    @Property(tries = 200)
    void layoutsRoundTrip(
            @ForAll @IntRange(min = 1) int maxSessions,
            @ForAll @IntRange(min = 16, max = 1 << 24) int maxBytes,
            @ForAll @IntRange(min = 1, max = 1 << 24) int average,
            @ForAll @IntRange(min = 1, max = Layout.MAX_READERS) int maxReaders)
            throws IOException {
        Layout l = new Layout(
                maxSessions,
                Math.min(average, maxBytes),
                maxBytes,
                maxSessions % (1 << 28) + 1,
                maxSessions,
                Math.min(average, maxBytes),
                maxBytes,
                maxReaders);
        Path d = Files.createTempDirectory(dir, "layout");
        l.write(d);
        assertThat(Layout.read(d)).isEqualTo(l);
    }

    // generators

    @Provide
    Arbitrary<byte[]> stored() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(120),
                Arbitraries.bytes()
                        .array(byte[].class)
                        .ofMinSize(Records.T_HEADER)
                        .ofMaxSize(700));
    }

    @Provide
    Arbitrary<byte[]> files() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.integers().between(0, 64).list().ofMaxSize(40).map(RecordDecoderPropertiesTest::sparse));
    }

    /** A file of mostly small numbers at word boundaries: lengths and counts that often nearly fit. */
    private static byte[] sparse(List<Integer> words) {
        ByteBuffer b = ByteBuffer.allocate(64 + 4 * 4096).order(ByteOrder.nativeOrder());
        b.putLong(0, 0x4847_4c4a_4e4c_0001L).putInt(8, 4096);
        for (int i = 0; i < words.size(); i++) {
            b.putInt(64 + (i % 8) * 4 + (i / 8 % 4) * 4096, words.get(i));
        }
        return b.array();
    }

    @Provide
    Arbitrary<Map<String, String>> layoutValues() {
        Arbitrary<String> names = Arbitraries.of(
                "maxSessions",
                "averageSessionBytes",
                "maxSessionBytes",
                "maxStreams",
                "maxMessages",
                "averageMessageBytes",
                "maxMessageBytes",
                "other");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.integers().between(-2, 70_000).map(String::valueOf),
                Arbitraries.strings().ofMaxLength(12));
        return Arbitraries.maps(names, values).ofMaxSize(6);
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\ud7ff')
                .ofMinLength(1)
                .ofMaxLength(80)
                .filter(s -> Text.utf8Length(s) <= Records.MAX_ID_BYTES);
    }

    @Provide
    Arbitrary<Attributes> attributes() {
        Arbitrary<String> names =
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12);
        return Arbitraries.maps(names, Arbitraries.bytes().array(byte[].class).ofMaxSize(40))
                .ofMaxSize(6)
                .map(m -> Attributes.bytes(new LinkedHashMap<>(m)));
    }

    @Provide
    Arbitrary<StreamHeader> headers() {
        Arbitrary<List<StreamHeader.Reader>> readers = Arbitraries.maps(ids(), Arbitraries.longs())
                .ofMaxSize(5)
                .map(m -> {
                    List<StreamHeader.Reader> list = new ArrayList<>();
                    m.forEach((name, marker) ->
                            list.add(new StreamHeader.Reader(name.getBytes(StandardCharsets.UTF_8), marker)));
                    return list;
                });
        Arbitrary<byte[]> reason = Arbitraries.strings()
                .ofMaxLength(40)
                .filter(s -> Text.decodeUtf8(s.getBytes(StandardCharsets.UTF_8)) != null
                        && Text.decodeUtf8(s.getBytes(StandardCharsets.UTF_8)).equals(s))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Combinators.combine(
                        Arbitraries.longs(),
                        Arbitraries.longs().greaterOrEqual(0),
                        Arbitraries.integers().between(0, 2),
                        reason,
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(60),
                        readers)
                .as((expires, count, status, why, metadata, list) ->
                        new StreamHeader(expires, expires / 2, count, expires - 1, status, why, metadata, list));
    }
}
