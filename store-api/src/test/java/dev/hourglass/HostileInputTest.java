package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each defect found by hostile input, reproduced: text that could not be read back, cursors, decoders. */
class HostileInputTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    /** A binary form holding {@code name} (raw bytes) = {@code value}. */
    private static byte[] form(byte[] name, byte[] value) {
        byte[] out = new byte[3 + name.length + value.length];
        out[0] = 1;
        out[1] = (byte) name.length;
        System.arraycopy(name, 0, out, 2, name.length);
        out[2 + name.length] = (byte) value.length;
        System.arraycopy(value, 0, out, 3 + name.length, value.length);
        return out;
    }

    @Test
    void aNameWithAnUnpairedSurrogateIsRefusedInsteadOfStoredUnreadable() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("\udc00k", "1".getBytes(UTF_8));
        m.put("v", "\"x\"".getBytes(UTF_8));
        assertThatThrownBy(() -> Attributes.bytes(m))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attribute name")
                .hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("\\uDC00k");
        assertThatThrownBy(() -> Attributes.empty().with("a\ud800", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attribute name");
    }

    @Test
    void theBinaryFormOfEveryAcceptedNameReadsBack() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("\ud83d\ude00\u0000\u007f\u0085\ufffe\uffff", bytes(0));
        m.put("é\ud800\udc00ü", bytes(1, 2));
        Attributes a = Attributes.bytes(m);
        Attributes read = Attributes.fromBytes(a.toBytes());
        assertThat(read).isEqualTo(a);
        assertThat(read.names()).containsExactlyElementsOf(m.keySet());
        assertThat(read.byteSize()).isEqualTo(a.byteSize());
    }

    @Test
    void textValuesWithAnUnpairedSurrogateAreRefusedNamingTheAttribute() {
        assertThatThrownBy(() -> Attributes.strings(Map.of("v", "x\ud800y")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'")
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Attributes.empty().with("v", "\udfff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'");
        assertThatThrownBy(() -> Codecs.utf8().encode("a\udc00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1");
    }

    @Test
    void jsonValuesWithAnUnpairedSurrogateAreRefused() {
        assertThatThrownBy(() -> Attributes.json(Map.of("v", "x\ud800y")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'")
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Attributes.json(Map.of("v", Map.of("\udc00k", 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'");
        assertThatThrownBy(() -> Attributes.json(Map.of("v", List.of("ok", "\\\ud800"))))
                .isInstanceOf(IllegalArgumentException.class);
        Attributes fine = Attributes.json(Map.of("v", "\\ud800 is six characters, \ud83d\ude00 is one code point"));
        assertThat(fine.getJson("v", String.class))
                .isEqualTo("\\ud800 is six characters, \ud83d\ude00 is one code point");
    }

    @Test
    void jsonNumbersThatJsonCannotHoldAreRefused() {
        assertThatThrownBy(() -> Attributes.json(Map.of("x", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'x'")
                .hasMessageContaining("cannot be written as JSON exactly");
        assertThatThrownBy(() -> Attributes.empty().withJson("x", List.of(1.0, Float.NEGATIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Attributes.json(Map.of("x", 1.5, "s", "NaN")).toMap(Codecs.json()))
                .containsEntry("x", 1.5)
                .containsEntry("s", "NaN");
    }

    @Test
    void jsonThatWouldNotReadBackIsRefused() {
        List<Object> root = new ArrayList<>();
        List<Object> at = root;
        for (int i = 0; i < 1_200; i++) {
            List<Object> next = new ArrayList<>();
            at.add(next);
            at = next;
        }
        assertThatThrownBy(() -> Attributes.json(Map.of("deep", root)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'deep'")
                .hasMessageNotContaining("com.fasterxml")
                .hasMessageNotContaining("java.");
        assertThatThrownBy(() -> Attributes.json(Map.of("n", new java.math.BigInteger("9".repeat(1_500)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'n'");
    }

    /** A stored value: its type tag, then the bytes. */
    private static byte[] stored(char tag, byte[] payload) {
        byte[] v = new byte[payload.length + 1];
        v[0] = (byte) tag;
        System.arraycopy(payload, 0, v, 1, payload.length);
        return v;
    }

    private static void corrupt(String name, byte[] value, String why) {
        assertThatThrownBy(() -> Attributes.fromStoredValues(Map.of(name, value)))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining(why)
                .hasMessageNotContaining("java.")
                .hasMessageNotContaining("com.fasterxml");
        byte[] form = form(name.getBytes(UTF_8), value);
        assertThatThrownBy(() -> Attributes.fromBytes(form))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining(why);
    }

    @Test
    void storedBytesThatAreNotStrictUtf8AreCorruptData() {
        corrupt("overlong", stored('t', bytes(0xC0, 0xAF)), "UTF-8");
        corrupt("cesu", stored('t', bytes(0xED, 0xA0, 0x80)), "UTF-8");
        corrupt("jsonOverlong", stored('j', bytes('"', 0xC0, 0xAF, '"')), "overlong");
        corrupt("jsonCesu", stored('j', bytes('"', 0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80, '"')), "CESU-8");
        corrupt("number", stored('j', bytes('1', 0xC0)), "after the JSON value");
        Attributes raw = Attributes.fromStoredValues(Map.of("raw", stored('b', bytes(0xC0, 0xAF))));
        assertThat(raw.getBytes("raw")).isEqualTo(bytes(0xC0, 0xAF));
        assertThatThrownBy(() -> raw.get("raw", Codecs.utf8()))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'raw'")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void storedJsonIsReadStrictlyAndErrorsNameNoClasses() {
        corrupt("trailing", stored('j', "[1] x".getBytes(UTF_8)), "unexpected content");
        corrupt("lone", stored('j', "\"\\udc00\"".getBytes(UTF_8)), "unpaired surrogate");
        corrupt("word", stored('j', "abc".getBytes(UTF_8)), "expected a JSON value");
        Attributes a = Attributes.fromStoredValues(Map.of(
                "pair", stored('j', "\"\\ud83d\\ude00\"".getBytes(UTF_8)),
                "word", stored('j', "\"abc\"".getBytes(UTF_8))));
        assertThat(a.getJson("pair", String.class)).isEqualTo("\ud83d\ude00");
        assertThat(a.getString("pair")).isEqualTo("\ud83d\ude00");
        assertThatThrownBy(() -> a.getJson("word", Integer.class))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'word'")
                .hasMessageNotContaining("java.")
                .hasMessageNotContaining("com.fasterxml")
                .hasMessageNotContaining("Integer");
    }

    @Test
    void theBinaryFormRefusesEverythingItsEncoderNeverWrites() {
        assertThatThrownBy(() -> Attributes.fromBytes(form(bytes(0xC0, 0xAF), bytes())))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Attributes.fromBytes(form(bytes(0xED, 0xA0, 0x80), bytes())))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Attributes.fromBytes(form(bytes(), bytes('t', 'a', 'b'))))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("empty");
        byte[] twice = bytes(2, 1, 'a', 1, 't', 1, 'a', 1, 't');
        assertThatThrownBy(() -> Attributes.fromBytes(twice))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("twice");
        byte[] overlongCount = bytes(0x81, 0x00, 1, 'a', 0);
        assertThatThrownBy(() -> Attributes.fromBytes(overlongCount)).isInstanceOf(CorruptDataException.class);
        byte[] longName = new byte[2 + 257 + 1];
        longName[0] = 1;
        longName[1] = (byte) 0x81;
        longName[2] = 0x02;
        java.util.Arrays.fill(longName, 3, 3 + 257, (byte) 'n');
        byte[] fitted = java.util.Arrays.copyOf(longName, 3 + 257 + 1);
        assertThatThrownBy(() -> Attributes.fromBytes(fitted))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("256");
    }

    @Test
    void hugeLengthsInTheBinaryFormAreCorruptDataWithoutAllocating() {
        byte[] count = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x07);
        assertThatThrownBy(() -> Attributes.fromBytes(count)).isInstanceOf(CorruptDataException.class);
        byte[] length = bytes(1, 0x80, 0x80, 0x80, 0x80, 0x08, 'a');
        assertThatThrownBy(() -> Attributes.fromBytes(length)).isInstanceOf(CorruptDataException.class);
        byte[] valueLength = bytes(1, 1, 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0x07);
        assertThatThrownBy(() -> Attributes.fromBytes(valueLength))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("runs past");
        byte[] manyEmpty = new byte[30];
        manyEmpty[0] = (byte) 0x8A;
        manyEmpty[1] = 0x01;
        assertThatThrownBy(() -> Attributes.fromBytes(manyEmpty))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("does not fit");
    }

    @Test
    void badRangesAndNullAreArgumentErrors() {
        assertThatThrownBy(() -> Attributes.fromBytes(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bytes");
        assertThatThrownBy(() -> Attributes.fromBytes(new byte[4], 3, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 3")
                .hasMessageContaining("length 2");
        assertThatThrownBy(() -> Attributes.fromBytes(new byte[4], -1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Attributes.fromBytes(bytes(9, 0, 9), 1, 1)).isEqualTo(Attributes.empty());
    }

    @Test
    void cursorsAreTokensTheStoreIssuedAndAnythingElseIsRefused() {
        try (Store store = Hourglass.open("memory:")) {
            Sessions sessions = store.sessions();
            for (int i = 0; i < 5; i++) {
                sessions.put("s" + i, Attributes.empty(), HOUR);
            }
            Page<String> first = sessions.ids(2);
            String token = first.next().orElseThrow();
            assertThat(token).matches("[A-Za-z0-9_-]+").doesNotContain("s1");
            assertThat(sessions.ids(token, 10).items())
                    .doesNotContainAnyElementsOf(first.items())
                    .hasSize(3);
            for (String bad : List.of(
                    "s1",
                    "",
                    "-2147483648:a",
                    "-1:x",
                    token + "A",
                    token.substring(1),
                    token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"))) {
                assertThatThrownBy(() -> sessions.ids(bad, 10))
                        .as(bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("cursor");
            }
            String hostile = "\u0000\r\n<script>" + "x".repeat(100_000);
            assertThatThrownBy(() -> sessions.ids(hostile, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor")
                    .hasMessageContaining("\\u0000\\u000D\\u000A<script>")
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
        }
    }

    @Test
    void aCursorFromOneStoreIsRefusedByAStoreWithAnotherKey() {
        try (Store a = Hourglass.open("memory:?cursorKey=first-secret-0123456789");
                Store b = Hourglass.open(
                        "memory:",
                        StoreOptions.builder()
                                .property("cursorKey", "second-secret-012345")
                                .build());
                Store c = Hourglass.open("memory:?cursorKey=first-secret-0123456789")) {
            for (Store s : List.of(a, b, c)) {
                s.sessions().put("x", Attributes.empty(), HOUR);
                s.sessions().put("y", Attributes.empty(), HOUR);
            }
            String token = a.sessions().ids(1).next().orElseThrow();
            assertThatThrownBy(() -> b.sessions().ids(token, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cursor");
            assertThat(c.sessions().ids(token, 10).items()).containsExactly("y");
            assertThat(a.uri()).doesNotContain("first-secret");
        }
        assertThatThrownBy(() -> Hourglass.open("memory:?cursorKey=short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cursorKey")
                .hasMessageNotContaining("short");
    }

    @Test
    void streamFailureReasonsAreExactTextOrRefused() {
        try (Store store = Hourglass.open("memory:")) {
            Streams streams = store.streams();
            streams.open("s", Attributes.empty(), HOUR);
            assertThatThrownBy(() -> streams.fail("s", "bad\ud800"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reason")
                    .hasMessageContaining("unpaired surrogate");
            assertThatThrownBy(() -> streams.fail("s", "nul\u0000"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reason")
                    .hasMessageContaining("U+0000");
            assertThat(streams.state("s").orElseThrow().status()).isEqualTo(StreamStatus.OPEN);
            String reason = "line one\nline two\ttab \ud83d\ude00";
            assertThat(streams.fail("s", reason).closed()).isTrue();
            assertThat(streams.state("s").orElseThrow().failureReason()).contains(reason);
        }
    }

    @Test
    void optionValuesThatOverflowOrDoNotDecodeAreNamedArgumentErrors() {
        assertThatThrownBy(() -> Hourglass.open("memory:?maxSessionBytes=99999999999999999k"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessionBytes");
        assertThatThrownBy(() -> Hourglass.open("memory:?maxSessionBytes=%zz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("%zz")
                .hasMessageNotContaining("URLDecoder");
        assertThatThrownBy(() -> Hourglass.open("memory:?maxSessionBytes=%C0%AF"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
        try (Store store = Hourglass.open("memory:?maxSessionBytes=%36%34k")) {
            assertThat(store.limits().maxSessionBytes()).isEqualTo(65_536);
        }
    }

    @Test
    void setsOfNamesToRemoveAreCheckedLikeNames() {
        try (Store store = Hourglass.open("memory:")) {
            store.sessions().put("x", Attributes.strings(Map.of("a", "1")), HOUR);
            assertThatThrownBy(() -> store.sessions().merge("x", Merge.remove("\ud800")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("names");
        }
    }

    @Test
    void messageTextIsStrictUtf8() {
        Message bad = new Message(7, bytes(0xC0, 0xAF), java.time.Instant.EPOCH);
        assertThatThrownBy(bad::text).isInstanceOf(CorruptDataException.class).hasMessageContaining("message 7");
        assertThat(new Message(1, "h\u00e9 \ud83d\ude00".getBytes(UTF_8), java.time.Instant.EPOCH).text())
                .isEqualTo("h\u00e9 \ud83d\ude00");
    }

    @Test
    void describingAttributesEscapesTheirNames() {
        assertThat(Attributes.bytes(Map.of("a\r\nb", bytes(1))).toString())
                .isEqualTo("Attributes{'a\\u000D\\u000Ab'=BYTES 1B}");
    }
}
