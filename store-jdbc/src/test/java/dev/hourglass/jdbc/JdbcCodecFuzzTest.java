package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of what store-jdbc decodes from its tables (attribute and metadata
 * blobs, ids and reader names, status codes) and of the listing cursor check: the value or
 * {@link CorruptDataException} (the cursor: {@link IllegalArgumentException} naming it), never
 * another exception; what decodes is exact.
 */
class JdbcCodecFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void storedColumns(FuzzedDataProvider data) {
        int code = data.consumeInt();
        byte[] id = data.consumeBytes(data.consumeInt(0, 300));
        byte[] blob = data.consumeRemainingAsBytes();
        try {
            Attributes a = JdbcCodec.attributes(blob, "session 's'");
            assertThat(Attributes.fromBytes(a.toBytes())).isEqualTo(a);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored attributes of session 's'");
        }
        try {
            String s = JdbcCodec.id(id, "session id");
            assertThat(s.getBytes(StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(JdbcCodec.cursor(s)).isEqualTo(s);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored session id");
        }
        try {
            assertThat(JdbcCodec.status(code, "q").code()).isEqualTo((byte) code);
        } catch (CorruptDataException expected) {
            assertThat(code < 0 || code > 2).isTrue();
        }
    }

    @FuzzTest(maxDuration = "5s")
    void cursors(FuzzedDataProvider data) {
        String cursor = data.consumeRemainingAsString();
        try {
            assertThat(JdbcCodec.cursor(cursor)).isEqualTo(cursor);
            assertThat(JdbcCodec.id(cursor.getBytes(StandardCharsets.UTF_8), "id"))
                    .isEqualTo(cursor);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("cursor is not one this store returned");
        }
    }
}
