package dev.hourglass.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.hourglass.AttributeType;
import dev.hourglass.Attributes;
import dev.hourglass.Codec;
import dev.hourglass.Codecs;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Merge;
import dev.hourglass.Message;
import dev.hourglass.Page;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.Streams;
import dev.hourglass.spi.JsonSyntax;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input at the API boundary, as properties every backend runs: text of every kind (all
 * planes, unpaired surrogates, NUL, controls, separators) as ids, attribute names, values, reader
 * names and failure reasons is either kept exactly or refused with {@link IllegalArgumentException}
 * for the documented reason, never stored in a form that does not read back; arbitrary strings as
 * listing cursors are refused, never passed on; paging with any limit lists each live id once;
 * arbitrary bytes into {@link Attributes#fromBytes} give a value or {@link CorruptDataException}.
 *
 * <p>A backend's test extends this class and opens a store with the options given. The store is
 * opened once per test class and shared by its properties; each try removes what it wrote.
 */
public abstract class BoundaryContract {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Map<Class<?>, Fixture> FIXTURES = new ConcurrentHashMap<>();
    private static final AtomicLong TRIES = new AtomicLong();

    private record Fixture(FakeClock clock, Store store, BoundaryContract owner) {}

    protected FakeClock clock;
    protected Store store;
    protected Sessions sessions;
    protected Streams streams;

    /** A store opened with exactly these options; it may hold data other tests left. */
    protected abstract Store openStore(StoreOptions options);

    /**
     * Closes the store after the last property of the class; a backend that started something for
     * it in {@link #openStore} overrides this to stop it after {@code super.release(store)}.
     */
    protected void release(Store store) {
        store.close();
    }

    @BeforeProperty
    void openBoundaryStore() {
        Fixture f = FIXTURES.computeIfAbsent(getClass(), c -> {
            FakeClock fake = new FakeClock();
            return new Fixture(
                    fake,
                    openStore(StoreOptions.builder()
                            .clock(fake)
                            .sweeperAutoStart(false)
                            .timeout(Duration.ofSeconds(5))
                            .build()),
                    this);
        });
        clock = f.clock();
        store = f.store();
        sessions = store.sessions();
        streams = store.streams();
    }

    @AfterContainer
    static void closeBoundaryStores() {
        for (Fixture f : FIXTURES.values()) {
            f.owner().release(f.store());
        }
        FIXTURES.clear();
    }

    /** A name no other try of this run uses, so tries never see each other's data. */
    private static String unique(String what) {
        return "boundary-" + what + "-" + ProcessHandle.current().pid() + "-" + TRIES.incrementAndGet();
    }

    // ---------------------------------------------------------------- what the rules say

    private static boolean exactText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F));
    }

    /** Ids, stream ids and reader names: 1..256 bytes of exact text without control characters. */
    static boolean validId(String s) {
        return exactText(s) && !hasControl(s) && !s.isEmpty() && s.getBytes(UTF_8).length <= 256;
    }

    /** Attribute names: 1..256 bytes of exact text, control characters allowed. */
    static boolean validName(String s) {
        return exactText(s) && !s.isEmpty() && s.getBytes(UTF_8).length <= 256;
    }

    /** Failure reasons: up to 4,096 characters of exact text, of the controls only tab, LF and CR. */
    static boolean validReason(String s) {
        return exactText(s)
                && s.length() <= 4096
                && s.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
    }

    // ---------------------------------------------------------------- arbitraries

    /** Text from every plane, with the characters that break naive code over-represented. */
    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().range('a', 'z').map(String::valueOf)),
                Tuple.of(3, Arbitraries.integers().between(0, 0x10FFFF).map(cp -> new String(Character.toChars(cp)))),
                Tuple.of(
                        1,
                        Arbitraries.integers().between(0x10000, 0x10FFFF).map(cp -> new String(Character.toChars(cp)))),
                Tuple.of(
                        3,
                        Arbitraries.of(
                                "\u0000",
                                "\t",
                                "\n",
                                "\r",
                                "\u001b",
                                "\u007f",
                                "\u0085",
                                "\u009f",
                                "\ud800",
                                "\udbff",
                                "\udc00",
                                "\udfff",
                                "\ufeff",
                                "\ufffe",
                                "\uffff",
                                "\u2028",
                                "\u0301",
                                "\ud83d\ude00",
                                "\udbff\udfff",
                                "é",
                                "%",
                                "%00",
                                "\"",
                                "\\",
                                "\\u0000",
                                "'",
                                ":",
                                ".",
                                "/",
                                "*",
                                "?",
                                "{",
                                "}",
                                "[",
                                "-",
                                "+",
                                " ",
                                "\u00a0")));
        Arbitrary<String> shortText = piece.list().ofMaxSize(24).map(l -> String.join("", l));
        Arbitrary<String> longText = piece.list().ofMinSize(60).ofMaxSize(140).map(l -> String.join("", l));
        return Arbitraries.frequencyOf(Tuple.of(9, shortText), Tuple.of(1, longText));
    }

    /** Ids that the rules accept, from every plane. */
    @Provide
    Arbitrary<String> goodId() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().range('a', 'z').map(String::valueOf)),
                Tuple.of(
                        3,
                        Arbitraries.integers()
                                .between(0xA0, 0x10FFFF)
                                .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
                                .map(cp -> new String(Character.toChars(cp)))),
                Tuple.of(
                        2, Arbitraries.of(":", ".", "/", "-", "_", "%", "~", " ", "\ufffe", "\uffff", "\ud83d\ude00")));
        return piece.list()
                .ofMinSize(1)
                .ofMaxSize(30)
                .map(l -> String.join("", l))
                .filter(s -> s.getBytes(UTF_8).length <= 240);
    }

    // ---------------------------------------------------------------- sessions

    @Property(tries = 200)
    void sessionIdsRoundTripExactlyOrAreRefused(@ForAll("text") String id) {
        Attributes a = Attributes.strings(Map.of("k", "v"));
        Statistics.collect(validId(id) ? "valid" : "refused");
        Statistics.coverage(c -> {
            c.check("valid").count(n -> n > 0);
            c.check("refused").count(n -> n > 0);
        });
        if (!validId(id)) {
            assertThatThrownBy(() -> sessions.put(id, a, HOUR))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("id");
            assertThatThrownBy(() -> sessions.get(id)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        try {
            Session put = sessions.put(id, a, HOUR);
            assertThat(put.id()).isEqualTo(id);
            Session got = sessions.get(id).orElseThrow(() -> new AssertionError("session " + id + " not found"));
            assertThat(got.id()).isEqualTo(id);
            assertThat(got.attributes()).isEqualTo(a);
            assertThat(sessions.getAll(List.of(id))).containsOnlyKeys(id);
            assertThat(sessions.createIfAbsent(id, a, HOUR)).isEmpty();
        } finally {
            sessions.delete(id);
        }
        assertThat(sessions.get(id)).isEmpty();
    }

    @Property(tries = 200)
    void attributeNamesAndTextValuesRoundTripExactlyOrAreRefused(
            @ForAll("text") String name, @ForAll("text") String value) {
        boolean ok = validName(name) && exactText(value);
        Statistics.collect(ok ? "valid" : "refused");
        Statistics.coverage(c -> {
            c.check("valid").count(n -> n > 0);
            c.check("refused").count(n -> n > 0);
        });
        if (!ok) {
            assertThatThrownBy(() -> Attributes.strings(Map.of(name, value)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(validName(name) ? "attribute '" : "attribute name");
            assertThatThrownBy(() -> Attributes.empty().with(name, value)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        String id = unique("attrs");
        String other = name.equals("other") ? "other2" : "other";
        try {
            sessions.put(id, Attributes.strings(Map.of(name, value)), HOUR);
            Attributes read = sessions.get(id).orElseThrow().attributes();
            assertThat(read.names()).containsExactly(name);
            assertThat(read.getString(name)).isEqualTo(value);
            assertThat(read.get(name, Codecs.utf8())).isEqualTo(value);
            assertThat(Attributes.fromBytes(read.toBytes())).isEqualTo(read);

            Attributes merged = sessions.merge(id, Attributes.strings(Map.of(other, value + value)))
                    .orElseThrow()
                    .attributes();
            assertThat(merged.toMap(Codecs.utf8()))
                    .containsOnly(Map.entry(name, value), Map.entry(other, value + value));
            Attributes removed =
                    sessions.merge(id, Merge.remove(name)).orElseThrow().attributes();
            assertThat(removed.names()).containsExactly(other);
            assertThat(sessions.get(id).orElseThrow().attributes().getString(other))
                    .isEqualTo(value + value);
        } finally {
            sessions.delete(id);
        }
    }

    @Property(tries = 100)
    void arbitraryAttributesRoundTripThroughTheStoreAndBothForms(@ForAll("attributes") Map<String, byte[]> values) {
        Attributes a = Attributes.bytes(values);
        assertThat(Attributes.fromBytes(a.toBytes())).isEqualTo(a);
        assertThat(Attributes.fromBytes(a.toBytes()).toBytes()).isEqualTo(a.toBytes());
        String id = unique("bytes");
        try {
            sessions.put(id, a, HOUR);
            Attributes read = sessions.get(id).orElseThrow().attributes();
            assertThat(read).isEqualTo(a);
            assertThat(read.names()).containsExactlyInAnyOrderElementsOf(values.keySet());
            for (Map.Entry<String, byte[]> e : values.entrySet()) {
                assertThat(read.getBytes(e.getKey())).isEqualTo(e.getValue());
            }
            assertThat(read.byteSize()).isEqualTo(a.byteSize());
        } finally {
            sessions.delete(id);
        }
    }

    @Provide
    Arbitrary<Map<String, byte[]>> attributes() {
        Arbitrary<String> names = text().filter(BoundaryContract::validName);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        return Arbitraries.maps(names, bytes).ofMaxSize(12).map(LinkedHashMap::new);
    }

    @Property(tries = 100)
    void typedValuesRoundTripThroughTheStoreWithTheirTypes(@ForAll("typed") Attributes a) {
        Statistics.collect(a.names().stream().map(a::type).distinct().count() > 1 ? "mixed" : "one type");
        Statistics.coverage(c -> c.check("mixed").count(n -> n > 0));
        String id = unique("typed");
        try {
            sessions.put(id, a, HOUR);
            Attributes read = sessions.get(id).orElseThrow().attributes();
            assertThat(read).isEqualTo(a);
            for (String name : a.names()) {
                assertThat(read.type(name)).isEqualTo(a.type(name));
                assertThat(read.getBytes(name)).isEqualTo(a.getBytes(name));
            }
            readsByType(read);
            Attributes merged = sessions.merge(id, a).orElseThrow().attributes();
            assertThat(merged).isEqualTo(a);
        } finally {
            sessions.delete(id);
        }
    }

    /** JSON text as it is, for building JSON values without Jackson (backend modules test without it). */
    private static final Codec<String> RAW_JSON = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, UTF_8);
        }

        @Override
        public AttributeType type() {
            return AttributeType.JSON;
        }
    };

    /** {@code s} as a JSON string, every character outside printable ASCII escaped. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7E) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Attributes of every type: text, JSON (numbers, strings, literals, arrays, objects) and bytes. */
    @Provide
    Arbitrary<Attributes> typed() {
        Arbitrary<String> names = text().filter(BoundaryContract::validName);
        Arbitrary<String> texts = text().filter(BoundaryContract::exactText);
        Arbitrary<String> json = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                texts.map(BoundaryContract::quoted),
                Arbitraries.of(
                        "true", "false", "null", "1.5e-3", "-0", "[]", "{}", "[1,[2,[3]]]", " {\"a\" : [null]} "),
                texts.list()
                        .ofMaxSize(3)
                        .map(l -> "["
                                + String.join(
                                        ",",
                                        l.stream().map(BoundaryContract::quoted).toList()) + "]"));
        Arbitrary<Attributes> one = Arbitraries.oneOf(
                Combinators.combine(names, texts)
                        .as((n, v) -> Attributes.empty().with(n, v)),
                Combinators.combine(names, Arbitraries.longs())
                        .as((n, v) -> Attributes.empty().with(n, v)),
                Combinators.combine(names, json).as((n, v) -> Attributes.empty().with(n, v, RAW_JSON)),
                Combinators.combine(
                                names, Arbitraries.bytes().array(byte[].class).ofMaxSize(64))
                        .as((n, v) -> Attributes.empty().with(n, v)));
        return one.list().ofMinSize(1).ofMaxSize(8).map(l -> {
            Attributes all = Attributes.empty();
            for (Attributes x : l) {
                all = all.withAll(x);
            }
            return all;
        });
    }

    // ---------------------------------------------------------------- streams

    @Property(tries = 150)
    void streamIdsReaderNamesAndReasonsRoundTripExactlyOrAreRefused(
            @ForAll("text") String streamId, @ForAll("text") String reader, @ForAll("text") String reason) {
        Statistics.collect(validId(streamId), validId(reader), validReason(reason));
        Statistics.coverage(c -> {
            c.check(true, true, true).count(n -> n > 0);
            c.check(true, false, false).count(n -> n > 0);
        });
        if (!validId(streamId)) {
            assertThatThrownBy(() -> streams.open(streamId, Attributes.empty(), HOUR))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("id");
            assertThatThrownBy(() -> streams.state(streamId)).isInstanceOf(IllegalArgumentException.class);
            return;
        }
        String sid = streamId;
        try {
            assertThat(streams.open(sid, Attributes.strings(Map.of("r", "m")), HOUR))
                    .isTrue();
            assertThat(streams.append(sid, reason.getBytes(UTF_8))).isEqualTo(1);
            if (validId(reader)) {
                Poll p = streams.next(sid, reader).orElseThrow();
                Message m = p.message().orElseThrow(() -> new AssertionError("no message for reader " + reader));
                assertThat(m.payload()).isEqualTo(reason.getBytes(UTF_8));
                assertThat(streams.state(sid).orElseThrow().markers()).containsEntry(reader, 1L);
            } else {
                assertThatThrownBy(() -> streams.next(sid, reader))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("reader");
            }
            if (validReason(reason)) {
                assertThat(streams.fail(sid, reason).closed()).isTrue();
                StreamState s = streams.state(sid).orElseThrow();
                assertThat(s.id()).isEqualTo(sid);
                assertThat(s.status()).isEqualTo(StreamStatus.FAILED);
                assertThat(s.failureReason()).contains(reason);
                assertThat(s.metadata().getString("r")).isEqualTo("m");
            } else {
                assertThatThrownBy(() -> streams.fail(sid, reason))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("reason");
                assertThat(streams.state(sid).orElseThrow().status()).isEqualTo(StreamStatus.OPEN);
            }
        } finally {
            streams.delete(sid);
        }
    }

    // ---------------------------------------------------------------- cursors

    @Property(tries = 200)
    void arbitraryStringsAsCursorsAreRefusedAndNeverReachTheBackend(@ForAll("cursor") String cursor) {
        assertThatThrownBy(() -> sessions.ids(cursor, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor");
    }

    /** Raw text, and the shapes backends use for their own cursors. */
    @Provide
    Arbitrary<String> cursor() {
        Arbitrary<String> backendShaped = Arbitraries.of(
                "-2147483648:a",
                "-1:x",
                "0:",
                "2147483647:zz",
                "0.0.0.0",
                "-1.-1.-1.-1",
                "1.99999999999999999999.0.0",
                "r0:a",
                "m",
                "",
                " ",
                "id-1",
                "\u0000",
                "null");
        return Arbitraries.oneOf(text(), backendShaped);
    }

    @Property(tries = 60)
    void issuedCursorsWithAnyChangeAreRefused(@ForAll @IntRange(min = 0, max = 5) int kind, @ForAll int seed) {
        String changed = mutate(issuedToken(), kind, seed);
        assertThatThrownBy(() -> sessions.ids(changed, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursor");
    }

    private String issuedToken() {
        String a = unique("c-a");
        String b = unique("c-b");
        sessions.put(a, Attributes.empty(), HOUR);
        sessions.put(b, Attributes.empty(), HOUR);
        try {
            for (Page<String> p = sessions.ids(1); ; p = sessions.ids(p.next().get(), 1)) {
                if (p.next().isPresent()) {
                    return p.next().get();
                }
                fail("a listing of two sessions with limit 1 ended after one page");
            }
        } finally {
            sessions.delete(a);
            sessions.delete(b);
        }
    }

    private static String mutate(String token, int kind, int seed) {
        int at = Math.floorMod(seed, token.length());
        char[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
        char other = alphabet[Math.floorMod(seed >> 8, alphabet.length)];
        if (other == token.charAt(at)) {
            other = other == 'A' ? 'B' : 'A';
        }
        return switch (kind) {
            case 0 -> token.substring(0, at) + other + token.substring(at + 1);
            case 1 -> token.substring(0, at) + token.substring(at + 1);
            case 2 -> token + other;
            case 3 -> token + "=";
            case 4 ->
                token.replace('-', '+').replace('_', '/') + (token.contains("-") || token.contains("_") ? "" : "+");
            default -> token.repeat(2 + Math.floorMod(seed, 3));
        };
    }

    @Property(tries = 60)
    void pagingWithAnyLimitListsEveryLiveIdExactlyOnce(
            @ForAll("idSets") List<String> ids, @ForAll("limits") int limit) {
        Set<String> live = new LinkedHashSet<>();
        Map<String, Attributes> longLived = new LinkedHashMap<>();
        Map<String, Attributes> shortLived = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            (i % 5 == 4 ? shortLived : longLived).put(ids.get(i), Attributes.empty());
        }
        live.addAll(longLived.keySet());
        try {
            if (!longLived.isEmpty()) {
                sessions.putAll(longLived, HOUR);
            }
            if (!shortLived.isEmpty()) {
                sessions.putAll(shortLived, Duration.ofSeconds(1));
            }
            clock.advance(Duration.ofSeconds(2));
            List<String> listed = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Page<String> page = cursor == null ? sessions.ids(limit) : sessions.ids(cursor, limit);
                assertThat(page.items().size()).isLessThanOrEqualTo(limit);
                listed.addAll(page.items());
                cursor = page.next().orElse(null);
                pages++;
            } while (cursor != null && pages < 10 * (ids.size() + 10));
            Statistics.collect(pages > 1 ? "several pages" : "one page");
            Statistics.coverage(c -> c.check("several pages").count(n -> n > 0));
            assertThat(cursor).as("listing ended").isNull();
            Set<String> distinct = new HashSet<>(listed);
            assertThat(listed).as("no id listed twice").hasSameSizeAs(distinct);
            Set<String> mine = new HashSet<>(listed);
            mine.retainAll(new HashSet<>(ids));
            assertThat(mine).as("every live id, no expired one").isEqualTo(live);
            try (var stream = sessions.ids()) {
                List<String> all = stream.filter(new HashSet<>(ids)::contains).toList();
                assertThat(all).hasSameSizeAs(live).containsExactlyInAnyOrderElementsOf(live);
            }
        } finally {
            for (String id : ids) {
                sessions.delete(id);
            }
        }
    }

    @Provide
    Arbitrary<List<String>> idSets() {
        return goodId().list().uniqueElements().ofMaxSize(120).withSizeDistribution(RandomDistribution.uniform());
    }

    @Provide
    Arbitrary<Integer> limits() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(1, 12)),
                Tuple.of(3, Arbitraries.integers().between(13, 200)),
                Tuple.of(1, Arbitraries.integers().between(201, 10_000)));
    }

    // ---------------------------------------------------------------- decoders of stored bytes

    @Property(tries = 400)
    void arbitraryBytesDecodeToAttributesOrCorruptData(@ForAll("storedBytes") byte[] bytes) {
        Attributes a;
        Statistics.coverage(c -> {
            c.check("value").count(n -> n > 0);
            c.check("corrupt").count(n -> n > 0);
        });
        try {
            a = Attributes.fromBytes(bytes);
        } catch (CorruptDataException e) {
            Statistics.collect("corrupt");
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        Statistics.collect("value");
        assertThat(a.toBytes()).as("only the canonical form is accepted").isEqualTo(bytes);
        assertThat(Attributes.fromStoredValues(a.toStoredValues()).toBytes()).isEqualTo(bytes);
        assertThat(a.names()).hasSize(a.size());
        for (String name : a.names()) {
            assertThat(exactText(name)).isTrue();
        }
        readsByType(a);
    }

    private static final boolean JACKSON = jackson();

    private static boolean jackson() {
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Every getter on every attribute of decoded attributes gives the value its type holds or says the
     * type does not hold that kind of value; none fails any other way.
     */
    public static void readsByType(Attributes a) {
        for (String name : a.names()) {
            AttributeType type = a.type(name);
            byte[] bytes = a.getBytes(name);
            assertThat(type).isNotNull();
            assertThat(bytes).isNotNull();
            switch (type) {
                case TEXT -> {
                    assertThat(a.getString(name).getBytes(UTF_8)).isEqualTo(bytes);
                    if (JACKSON) {
                        assertThat(a.getJson(name, String.class)).isEqualTo(a.getString(name));
                    }
                    assertThatThrownBy(() -> a.getLong(name, 0)).isInstanceOf(IllegalStateException.class);
                }
                case JSON -> {
                    assertThat(JsonSyntax.problem(bytes)).isNull();
                    String text = null;
                    try {
                        text = a.getString(name);
                        assertThat(new String(bytes, UTF_8).strip()).startsWith("\"");
                    } catch (IllegalStateException e) {
                        assertThat(new String(bytes, UTF_8).strip()).doesNotStartWith("\"");
                    }
                    try {
                        long n = a.getLong(name, 0);
                        assertThat(Long.parseLong(new String(bytes, UTF_8))).isEqualTo(n);
                    } catch (IllegalStateException e) {
                        assertThat(e.getMessage()).contains("not an integer");
                    }
                    if (JACKSON) {
                        Object value = a.getJson(name, Object.class);
                        if (text != null) {
                            assertThat(value).isEqualTo(text);
                        }
                    }
                }
                case BYTES -> {
                    assertThatThrownBy(() -> a.getString(name)).isInstanceOf(IllegalStateException.class);
                    assertThatThrownBy(() -> a.getJson(name, Object.class)).isInstanceOf(IllegalStateException.class);
                    assertThatThrownBy(() -> a.getLong(name, 0)).isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }

    /** Random bytes, and valid forms with bytes changed, cut or added. */
    @Provide
    Arbitrary<byte[]> storedBytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        Arbitrary<byte[]> edited = Arbitraries.integers()
                .between(0, Integer.MAX_VALUE)
                .flatMap(seed -> typed().map(a -> edit(a.toBytes(), seed)));
        return Arbitraries.oneOf(random, edited);
    }

    private static byte[] edit(byte[] form, int seed) {
        if (form.length == 0) {
            return form;
        }
        int at = Math.floorMod(seed, form.length);
        return switch (Math.floorMod(seed >> 20, 4)) {
            case 0 -> {
                byte[] b = form.clone();
                b[at] ^= (byte) (1 << Math.floorMod(seed >> 8, 8));
                yield b;
            }
            case 1 -> Arrays.copyOf(form, at);
            case 2 -> {
                byte[] b = Arrays.copyOf(form, form.length + 1);
                b[form.length] = (byte) seed;
                yield b;
            }
            default -> form;
        };
    }
}
