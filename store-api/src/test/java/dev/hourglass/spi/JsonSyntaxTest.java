package dev.hourglass.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonSyntaxTest {

    /** Jackson as strict as the checker: one value, nothing after it, the same nesting limit. */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(JsonSyntax.MAX_DEPTH)
                            .maxNumberLength(JsonSyntax.MAX_NUMBER_CHARS)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static boolean jackson(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes) != null && !MAPPER.readTree(bytes).isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean check(String s) {
        return JsonSyntax.problem(s.getBytes(StandardCharsets.UTF_8)) == null;
    }

    @Test
    void acceptsJsonValues() {
        for (String s : List.of(
                "0",
                "-0",
                "1.5e10",
                "-12.25E-3",
                "123456789012345678901234567890",
                "true",
                "false",
                "null",
                "\"\"",
                "\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u00e9\"",
                "\"中文 😀\"",
                "[]",
                "{}",
                " [1, [2, {\"a\": null}]] ",
                "{\"a\":{\"b\":[true,false,null,\"x\"]},\"c\":-1}")) {
            assertThat(check(s)).as(s).isTrue();
            assertThat(jackson(s.getBytes(StandardCharsets.UTF_8))).as(s).isTrue();
        }
    }

    @Test
    void rejectsWhatIsNotOneJsonValue() {
        for (String s : List.of(
                "",
                " ",
                "Bob",
                "true story",
                "123 Main St",
                "01",
                "1.",
                ".5",
                "-",
                "+1",
                "1e",
                "NaN",
                "'a'",
                "\"unterminated",
                "\"tab\there\"",
                "\"bad \\x escape\"",
                "\"\\u12G4\"",
                "[1,]",
                "[1 2]",
                "{\"a\"}",
                "{\"a\":1,}",
                "{a:1}",
                "[",
                "{",
                "]",
                "nul",
                "truex",
                "1 2",
                "{}{}")) {
            assertThat(check(s)).as("'%s'", s).isFalse();
        }
        assertThat(JsonSyntax.problem(new byte[] {'\"', (byte) 0xC3, (byte) 0x28, '"'}))
                .isNotNull();
        assertThat(JsonSyntax.problem(new byte[] {'\"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}))
                .isNotNull();
        assertThat(JsonSyntax.problem(new byte[] {'\"', (byte) 0xC0, (byte) 0x80, '"'}))
                .isNotNull();
        assertThat(check("[".repeat(600) + "]".repeat(600))).isFalse();
        assertThat(check("[".repeat(100) + "]".repeat(100))).isTrue();
    }

    @Test
    void agreesWithJacksonOnMutatedDocuments() {
        Random random = new Random(42);
        byte[] seed = "{\"jobTitle\":\"Java 工程师\",\"score\":85.5,\"tags\":[\"a\",null,true],\"n\":{\"x\":-1e3}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] alphabet = "{}[]\":,.-+eE0123456789 \\ntrufalse\u00e9".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 20_000; round++) {
            byte[] doc = seed.clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(doc.length);
                doc[at] =
                        random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            assertThat((JsonSyntax.problem(doc) == null))
                    .as(new String(doc, StandardCharsets.UTF_8))
                    .isEqualTo(jackson(doc));
        }
    }

    @Test
    void eachLimitHoldsAtItAndRefusesOnePast() {
        assertThat(check("[".repeat(512) + "]".repeat(512))).isTrue();
        assertThat(JsonSyntax.problem(("[".repeat(513) + "]".repeat(513)).getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("arrays and objects nested deeper than 512 levels at byte 512");
        assertThat(check("{\"a\":".repeat(512) + "1" + "}".repeat(512))).isTrue();
        assertThat(check("{\"a\":".repeat(513) + "1" + "}".repeat(513))).isFalse();
        assertThat(check("1".repeat(1000))).isTrue();
        assertThat(check("1".repeat(1001))).isFalse();
        assertThat(check("-0." + "5".repeat(997))).isTrue();
        assertThat(check("-0." + "5".repeat(998))).isFalse();
        assertThat(check("1e999999999")).isTrue();
        assertThat(check("1e-1000000000")).isFalse();
    }

    @Test
    void surrogateEscapesMustPair() {
        assertThat(check("\"\\ud83d\\ude00\"")).isTrue();
        assertThat(check("\"\\uD83D\\uDE00\"")).isTrue();
        for (String s : List.of(
                "\"\\ud83d\"",
                "\"\\ude00\"",
                "\"\\ude00\\ud83d\"",
                "\"\\ud83d\\u0041\"",
                "\"\\ud83d\\ud83d\"",
                "\"\\ud83dx\"",
                "{\"\\udc00k\":1}")) {
            assertThat(JsonSyntax.problem(s.getBytes(StandardCharsets.UTF_8)))
                    .as(s)
                    .contains("unpaired surrogate");
        }
    }

    @Test
    void problemsAreNamedInOurWordsWithTheOffset() {
        assertThat(JsonSyntax.problem(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}))
                .isEqualTo("an overlong UTF-8 sequence (not the shortest form) at byte 1");
        assertThat(JsonSyntax.problem(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0xBD, '"'}))
                .startsWith("a surrogate encoded in UTF-8 (CESU-8 is not UTF-8)");
        assertThat(JsonSyntax.problem("{\"a\" 1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("expected ':' after a field name at byte 5");
        assertThat(JsonSyntax.problem("[1,".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("the value ends early at byte 3");
        assertThat(JsonSyntax.problem("{} x".getBytes(StandardCharsets.UTF_8))).startsWith("unexpected content after");
        assertThat(JsonSyntax.problem("{}".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
