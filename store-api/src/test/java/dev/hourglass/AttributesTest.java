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
        assertThat(a.json("jobTitle", String.class)).isEqualTo("Java engineer");
        assertThat(a.getLong("overallScore", 0)).isEqualTo(85);
        assertThat(a.json("questions", List.class)).containsExactly("q1", "q2");
        assertThat(a.json("score", Score.class)).isEqualTo(new Score("design", 9, List.of("clear")));
        assertThat(a.string("jobTitle")).isEqualTo("\"Java engineer\"");
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
        Attributes a = Attributes.of(Map.of("v", v));
        v[0] = 9;
        assertThat(a.bytes("v")).containsExactly(1, 2, 3);
        a.bytes("v")[1] = 9;
        assertThat(a.bytes("v")).containsExactly(1, 2, 3);
    }

    @Test
    void binaryFormRoundTripsAndRejectsGarbage() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("名前", "面试".getBytes(StandardCharsets.UTF_8));
        m.put("empty", new byte[0]);
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) 7);
        m.put("big", big);
        Attributes a = Attributes.of(m);
        byte[] form = a.toBytes();
        Attributes read = Attributes.fromBytes(form);
        assertThat(read.size()).isEqualTo(3);
        assertThat(read.byteSize()).isEqualTo(a.byteSize());
        assertThat(read.toBytes()).isEqualTo(form);
        assertThat(read).isEqualTo(a);
        assertThat(read.string("名前")).isEqualTo("面试");
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
    void decodingFailuresAreCorruptData() {
        Attributes a = Attributes.of(
                Map.of("n", "abc".getBytes(StandardCharsets.UTF_8), "bad", new byte[] {(byte) 0xC3, (byte) 0x28}));
        assertThatThrownBy(() -> a.getLong("n", 0))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("'n'");
        assertThatThrownBy(() -> a.json("n", Integer.class)).isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> a.get("bad", Codecs.utf8()))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("UTF-8");
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
