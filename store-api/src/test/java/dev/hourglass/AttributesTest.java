package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttributesTest {

    record Score(String dimension, int points, List<String> notes) {}

    @Test
    void jsonTextIsStoredAsJsonCopiedAndChecked() {
        byte[] json = "{\"a\": 1.50}".getBytes(StandardCharsets.UTF_8);
        Attributes a = Attributes.empty().with("j", json, Codecs.jsonText());
        json[0] = ' ';
        assertThat(a.type("j")).isEqualTo(AttributeType.JSON);
        byte[] read = a.get("j", Codecs.jsonText());
        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("{\"a\": 1.50}");
        read[0] = 'x';
        assertThat(a.getJson("j", Map.class)).isNotNull();
        assertThat(new String(a.get("j", Codecs.jsonText()), StandardCharsets.UTF_8))
                .startsWith("{");
        assertThatThrownBy(() ->
                        Attributes.empty().with("j", "{\"a\":".getBytes(StandardCharsets.UTF_8), Codecs.jsonText()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("j");
    }

    @Test
    void jsonValuesRoundTripMapsNumbersAndRecords() {
        Attributes a = Attributes.json(Map.of(
                "jobTitle",
                "Java engineer",
                "overallScore",
                85,
                "questions",
                List.of("q1", "q2"),
                "score",
                new Score("design", 9, List.of("clear"))));
        assertThat(a.getJson("jobTitle", String.class)).isEqualTo("Java engineer");
        assertThat(a.getLong("overallScore", 0)).isEqualTo(85);
        assertThat(a.getJson("questions", List.class)).containsExactly("q1", "q2");
        assertThat(a.getJson("score", Score.class)).isEqualTo(new Score("design", 9, List.of("clear")));
        assertThat(a.getString("jobTitle")).isEqualTo("Java engineer");
        assertThat(a.type("jobTitle")).isEqualTo(AttributeType.JSON);
        assertThatThrownBy(() -> a.getString("overallScore"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("attribute 'overallScore' holds JSON '85', not text");
        assertThat(a.toMap(Codecs.json())).containsEntry("overallScore", 85);
    }

    @Test
    void withAndWithoutReturnNewInstancesAndLeaveTheOriginal() {
        Attributes a = Attributes.strings(Map.of("a", "1"));
        Attributes b = a.with("b", "2").with("n", 5L).withJson("j", Map.of("k", true));
        assertThat(a.names()).containsExactly("a");
        assertThat(b.names()).containsExactlyInAnyOrder("a", "b", "n", "j");
        assertThat(b.getLong("n", 0)).isEqualTo(5);
        assertThat(b.without("a", "b").names()).containsExactlyInAnyOrder("n", "j");
        assertThat(b.without(Set.of("zzz"))).isSameAs(b);
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] v = {1, 2, 3};
        Attributes a = Attributes.bytes(Map.of("v", v));
        v[0] = 9;
        assertThat(a.getBytes("v")).containsExactly(1, 2, 3);
        a.getBytes("v")[1] = 9;
        assertThat(a.getBytes("v")).containsExactly(1, 2, 3);
    }

    @Test
    void binaryFormRoundTripsAndRejectsGarbage() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("名前", "面试".getBytes(StandardCharsets.UTF_8));
        m.put("empty", new byte[0]);
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) 7);
        m.put("big", big);
        Attributes a = Attributes.bytes(m);
        byte[] form = a.toBytes();
        Attributes read = Attributes.fromBytes(form);
        assertThat(read.size()).isEqualTo(3);
        assertThat(read.byteSize()).isEqualTo(a.byteSize());
        assertThat(read.toBytes()).isEqualTo(form);
        assertThat(read).isEqualTo(a);
        assertThat(read.getBytes("名前")).isEqualTo("面试".getBytes(StandardCharsets.UTF_8));
        assertThat(read.type("名前")).isEqualTo(AttributeType.BYTES);
        assertThat(Attributes.fromBytes(Attributes.empty().toBytes())).isEqualTo(Attributes.empty());
        assertThat(a.byteSize()).isEqualTo("名前".getBytes(StandardCharsets.UTF_8).length + 6 + 5 + 3 + 70_000);

        assertThatThrownBy(() -> Attributes.fromBytes(Arrays.copyOf(form, form.length - 1)))
                .isInstanceOf(CorruptDataException.class);
        byte[] trailing = Arrays.copyOf(form, form.length + 1);
        assertThatThrownBy(() -> Attributes.fromBytes(trailing))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("trailing");
        assertThatThrownBy(() -> Attributes.fromBytes(
                        new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))
                .isInstanceOf(CorruptDataException.class);
    }

    @Test
    void everyValueKeepsItsTypeAndNothingIsGuessedFromItsBytes() {
        Attributes a = Attributes.empty()
                .with("text", "123")
                .with("number", 123L)
                .with("raw", "123".getBytes(StandardCharsets.UTF_8))
                .withJson("quoted", "123");
        Attributes read = Attributes.fromBytes(a.toBytes());
        Attributes stored = Attributes.fromStoredValues(a.toStoredValues());
        for (Attributes x : List.of(a, read, stored)) {
            assertThat(x.type("text")).isEqualTo(AttributeType.TEXT);
            assertThat(x.type("number")).isEqualTo(AttributeType.JSON);
            assertThat(x.type("raw")).isEqualTo(AttributeType.BYTES);
            assertThat(x.type("quoted")).isEqualTo(AttributeType.JSON);
            assertThat(x.type("absent")).isNull();
            assertThat(x.getString("text")).isEqualTo("123");
            assertThat(x.getString("quoted")).isEqualTo("123");
            assertThat(x.getLong("number", 0)).isEqualTo(123);
            assertThat(x.getJson("number", Integer.class)).isEqualTo(123);
            assertThat(x.getJson("text", String.class)).isEqualTo("123");
            assertThat(x.getBytes("raw")).isEqualTo("123".getBytes(StandardCharsets.UTF_8));
            assertThat(x.getBytes("quoted")).isEqualTo("\"123\"".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> x.getLong("text", 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("attribute 'text' holds text, not an integer in the range of a long");
            assertThatThrownBy(() -> x.getString("raw"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("attribute 'raw' holds bytes, not text");
            assertThatThrownBy(() -> x.getJson("raw", Object.class))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("attribute 'raw' holds bytes, not JSON");
            assertThat(x.getLong("absent", -7)).isEqualTo(-7);
            assertThat(x.getString("absent")).isNull();
        }
        assertThat(a).isEqualTo(read).isEqualTo(stored);
        assertThat(a).isNotEqualTo(Attributes.empty().with("text", "123".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jsonStringsReadBackAsTheirTextWithEveryEscape() {
        String text = "quote \" backslash \\ slash / tab \t nl \n ctl \u0001 é 😀 \u2028";
        Attributes a = Attributes.empty().withJson("s", text);
        assertThat(a.getString("s")).isEqualTo(text);
        Attributes escaped = Attributes.fromStoredValues(
                Map.of("s", "j \"\\ud83d\\ude00\\u00e9\\/\\b\\f\\r\" ".getBytes(StandardCharsets.UTF_8)));
        assertThat(escaped.getString("s")).isEqualTo("😀é/\b\f\r");
    }

    @Test
    void longsOutsideTheRangeOrNotIntegersAreRefusedByGetLong() {
        Attributes a = Attributes.json(Map.of("big", new java.math.BigInteger("9223372036854775808"), "frac", 1.5));
        assertThatThrownBy(() -> a.getLong("big", 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.getLong("frac", 0)).isInstanceOf(IllegalStateException.class);
        assertThat(Attributes.empty().with("min", Long.MIN_VALUE).getLong("min", 0))
                .isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void storedValuesThatAreNotTheirTypeAreCorruptData() {
        byte[] badText = {'t', (byte) 0xC3, (byte) 0x28};
        assertThatThrownBy(() -> Attributes.fromStoredValues(Map.of("bad", badText)))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'bad'")
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> Attributes.fromStoredValues(Map.of("j", "j{\"a\":".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'j'");
        assertThatThrownBy(() -> Attributes.fromStoredValues(Map.of("x", "x1".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("unknown value type 0x78");
        assertThatThrownBy(() -> Attributes.fromStoredValues(Map.of("e", new byte[0])))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("no type");
        byte[] form = Attributes.empty().with("t", "x").toBytes();
        form[form.length - 2] = 'q';
        assertThatThrownBy(() -> Attributes.fromBytes(form))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("unknown value type");
    }

    @Test
    void aCodecThatClaimsJsonMustWriteJson() {
        Codec<String> liar = new Codec<>() {
            @Override
            public byte[] encode(String value) {
                return value.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }

            @Override
            public AttributeType type() {
                return AttributeType.JSON;
            }
        };
        assertThatThrownBy(() -> Attributes.empty().with("v", "not json", liar))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'v'")
                .hasMessageContaining("not JSON");
        assertThat(Attributes.empty().with("v", "[1]", liar).getJson("v", List.class))
                .containsExactly(1);
    }

    @Test
    void badNamesAreRejected() {
        assertThatThrownBy(() -> Attributes.empty().with("", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attribute name");
        assertThatThrownBy(() -> Attributes.empty().with("x".repeat(257), "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attributes.empty().with("k", (byte[]) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k'");
    }
}
