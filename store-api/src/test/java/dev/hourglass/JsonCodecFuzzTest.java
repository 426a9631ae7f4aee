package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the JSON decoder of stored values: any bytes give a value or
 * {@link CorruptDataException} (whose message names the attribute and no class), never another
 * exception; a value that is exact JSON writes back to JSON that reads as the same value.
 */
class JsonCodecFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void read(byte[] stored) {
        byte[] tagged = new byte[stored.length + 1];
        tagged[0] = 'j';
        System.arraycopy(stored, 0, tagged, 1, stored.length);
        Object value;
        try {
            Attributes a = Attributes.fromStoredValues(Map.of("v", tagged));
            value = a.getJson("v", Object.class);
            try {
                assertThat(a.getString("v")).isEqualTo(value);
            } catch (IllegalStateException notAString) {
                assertThat(value instanceof String)
                        .as("a value getString refuses is no string: %s", value)
                        .isFalse();
            }
        } catch (CorruptDataException e) {
            assertThat(e.getMessage()).contains("'v'").doesNotContain("java.").doesNotContain("com.fasterxml");
            return;
        }
        Attributes again;
        try {
            again = Attributes.empty().withJson("w", value);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("'w'").doesNotContain("java.").doesNotContain("com.fasterxml");
            return;
        }
        assertThat(again.getJson("w", Object.class)).isEqualTo(value);
    }
}
