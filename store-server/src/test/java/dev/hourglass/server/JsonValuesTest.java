package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.AttributeType;
import dev.hourglass.Attributes;
import dev.hourglass.Merge;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attribute values cross the HTTP boundary by their type, in both directions. */
class JsonValuesTest {

    private static String written(Attributes a) {
        return Json.text(Json.write(g -> Json.writeAttributes(g, a)));
    }

    @Test
    void javaValuesAreWrittenByTheirType() {
        Attributes a = Attributes.empty()
                .with("text", "123")
                .with("number", 123L)
                .withJson("quoted", "123")
                .withJson("list", List.of(1, "two"))
                .with("bytes", new byte[] {(byte) 0xFB, (byte) 0xFF, 0x00})
                .with("unicode", "é 😀 \u2028");
        String json = written(a);
        assertThat(json)
                .startsWith("{\"text\":\"123\",\"number\":123,\"quoted\":\"123\",\"list\":[1,\"two\"],"
                        + "\"bytes\":\"-_8A\",\"unicode\":");
        assertThat(Json.parseObject(json.getBytes(StandardCharsets.UTF_8), "written")
                        .path("unicode")
                        .textValue())
                .isEqualTo("é 😀 \u2028");
    }

    @Test
    void bodiesAreReadAsTextForStringsAndJsonForTheRest() {
        Attributes a = Json.attributes(Json.parseObject(
                "{\"s\":\"123\",\"n\":123,\"o\":{\"k\":[true,null]},\"z\":null}".getBytes(StandardCharsets.UTF_8),
                "session data"));
        assertThat(a.type("s")).isEqualTo(AttributeType.TEXT);
        assertThat(a.getString("s")).isEqualTo("123");
        assertThat(a.type("n")).isEqualTo(AttributeType.JSON);
        assertThat(a.getLong("n", 0)).isEqualTo(123);
        assertThat(a.getJson("o", Map.class)).isEqualTo(Map.of("k", java.util.Arrays.asList(true, null)));
        assertThat(a.getBytes("z")).isEqualTo("null".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMergePatchSetsWhatIsGivenAndRemovesWhatIsNull() {
        Merge m = Json.patch(
                Json.parseObject("{\"a\":\"x\",\"b\":null,\"c\":2}".getBytes(StandardCharsets.UTF_8), "merge patch"));
        assertThat(m.set().names()).containsExactly("a", "c");
        assertThat(m.set().type("a")).isEqualTo(AttributeType.TEXT);
        assertThat(m.remove()).containsExactly("b");
    }
}
