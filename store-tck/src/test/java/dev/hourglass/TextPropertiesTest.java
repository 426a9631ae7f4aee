package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.contract.BoundaryContract;
import dev.hourglass.spi.Text;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The text rules of the codecs as properties: JSON values of any text either read back equal or
 * are refused at write; arbitrary bytes read as text or JSON give a value or corrupt data; the
 * strict UTF-8 check agrees with the JDK's reporting decoder; messages quote any text safely.
 */
class TextPropertiesTest {

    private static boolean exactText(String s) {
        return Checks.unpairedSurrogate(s) < 0;
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.chars().range('a', 'z').map(String::valueOf)),
                Tuple.of(4, Arbitraries.integers().between(0, 0x10FFFF).map(cp -> new String(Character.toChars(cp)))),
                Tuple.of(
                        3,
                        Arbitraries.of(
                                "\u0000",
                                "\t",
                                "\n",
                                "\u001b",
                                "\u007f",
                                "\u0085",
                                "\ud800",
                                "\udbff",
                                "\udc00",
                                "\udfff",
                                "\ufeff",
                                "\uffff",
                                "\u2028",
                                "\ud83d\ude00",
                                "\"",
                                "\\",
                                "\\u",
                                "\\ud800",
                                "\\udc00",
                                "NaN",
                                "Infinity",
                                "-",
                                "1e9",
                                "{",
                                "[")));
        return piece.list().ofMaxSize(20).map(l -> String.join("", l));
    }

    /** Nested JSON values: text, numbers, booleans, null, lists and maps with text keys. */
    @Provide
    Arbitrary<Object> jsonValue() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                text().map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                        .map(d -> (Object) d));
        return Arbitraries.recursive(
                () -> leaf,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l)),
                        Arbitraries.maps(text(), inner).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))),
                0,
                4);
    }

    private static boolean exactJson(Object v) {
        if (v instanceof String s) {
            return exactText(s);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d);
        }
        if (v instanceof List<?> l) {
            return l.stream().allMatch(TextPropertiesTest::exactJson);
        }
        if (v instanceof Map<?, ?> m) {
            return m.entrySet().stream().allMatch(e -> exactText((String) e.getKey()) && exactJson(e.getValue()));
        }
        return true;
    }

    @Property(tries = 500)
    void jsonValuesReadBackEqualOrAreRefusedAtWrite(@ForAll("jsonValue") Object value) {
        boolean exact = value != null && exactJson(value);
        Statistics.collect(exact ? "exact" : "refused");
        Statistics.coverage(c -> {
            c.check("exact").count(n -> n > 0);
            c.check("refused").count(n -> n > 0);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v", value);
        if (!exact) {
            assertThatThrownBy(() -> Attributes.json(m))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'v'");
            return;
        }
        Attributes a = Attributes.json(m);
        Object read = a.getJson("v", Object.class);
        assertThat(normalize(read)).isEqualTo(normalize(value));
        Attributes again = Attributes.fromBytes(a.toBytes());
        assertThat(again.toMap(Codecs.json())).hasSize(1);
        assertThat(again.type("v")).isEqualTo(AttributeType.JSON);
        assertThat(again.getBytes("v")).isEqualTo(a.getBytes("v"));
        if (value instanceof String text) {
            assertThat(again.getString("v")).isEqualTo(text);
        }
    }

    /** Jackson reads small integers as Integer and larger as Long: compare numbers by value. */
    private static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(TextPropertiesTest::normalize).toList();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalize(x)));
            return out;
        }
        return v;
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<byte[]> utf8ish = Arbitraries.integers()
                .between(0, 255)
                .map(i -> (byte) (int) i)
                .list()
                .ofMaxSize(12)
                .map(l -> {
                    byte[] b = new byte[l.size()];
                    for (int i = 0; i < b.length; i++) {
                        b[i] = l.get(i);
                    }
                    return b;
                });
        Arbitrary<byte[]> encoded =
                text().filter(TextPropertiesTest::exactText).map(s -> ("\"" + s + "\"").getBytes(UTF_8));
        Arbitrary<byte[]> edge = Arbitraries.of(
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
                new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF},
                new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
                new byte[] {(byte) 0xC2});
        return Arbitraries.oneOf(random, utf8ish, encoded, edge);
    }

    @Property(tries = 2000)
    void theStrictUtf8CheckAgreesWithTheReportingDecoder(@ForAll("bytes") byte[] b) {
        boolean jdk;
        try {
            UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            jdk = true;
        } catch (CharacterCodingException e) {
            jdk = false;
        }
        int bad = Text.malformedUtf8(b, 0, b.length);
        Statistics.collect(bad < 0 ? "well-formed" : "malformed");
        assertThat(bad < 0).isEqualTo(jdk);
        if (bad >= 0) {
            assertThat(Text.malformedUtf8(b, 0, bad))
                    .as("the prefix before the reported byte")
                    .isNegative();
        }
    }

    @Property(tries = 1000)
    void arbitraryStoredValuesReadAsTheirTypeOrAreCorruptData(@ForAll("bytes") byte[] value, @ForAll("tags") char tag) {
        byte[] stored = new byte[value.length + 1];
        stored[0] = (byte) tag;
        System.arraycopy(value, 0, stored, 1, value.length);
        Attributes a;
        try {
            a = Attributes.fromStoredValues(Map.of("v", stored));
        } catch (CorruptDataException e) {
            Statistics.collect("corrupt");
            assertThat(e.getMessage())
                    .doesNotContain("com.fasterxml")
                    .doesNotContain("java.")
                    .contains("'v'");
            assertThat(tag).isNotEqualTo('b');
            return;
        }
        Statistics.collect(a.type("v"));
        assertThat(a.getBytes("v")).isEqualTo(value);
        assertThat(Attributes.fromBytes(a.toBytes())).isEqualTo(a);
        if (tag == 't') {
            assertThat(a.getString("v").getBytes(UTF_8)).isEqualTo(value);
        }
        BoundaryContract.readsByType(a);
    }

    @Provide
    Arbitrary<Character> tags() {
        return Arbitraries.of('t', 'j', 'b', 'x');
    }

    @Property(tries = 500)
    void messagesQuoteAnyTextBoundedAndEscaped(@ForAll("text") String s) {
        String q = Checks.quote(s + s + s + s);
        assertThat(q.length()).isLessThanOrEqualTo(64 + 6 + 4);
        assertThat(q).startsWith("'").endsWith("'");
        assertThat(Checks.unpairedSurrogate(q)).isNegative();
        assertThat(q.chars().noneMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028))
                .isTrue();
    }
}
