package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.spi.SessionChangeFeed;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the session-change notifications PostgreSQL delivers: any payload
 * gives null or a change whose id is 1..256 bytes and which, written back, is the payload.
 */
class ChangePayloadFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void payloads(byte[] input) {
        String payload = new String(input, StandardCharsets.UTF_8);
        JdbcSessionChanges.Change c = JdbcSessionChanges.parse(payload);
        if (c == null) {
            return;
        }
        assertThat(c.id().getBytes(StandardCharsets.UTF_8).length).isBetween(1, 256);
        String back = c.version() == SessionChangeFeed.UNKNOWN
                ? "::" + c.id()
                : c.version() + ":" + c.expiresAt() + ":" + c.id();
        if (c.version() == SessionChangeFeed.UNKNOWN) {
            assertThat(c.expiresAt()).isEqualTo(SessionChangeFeed.UNKNOWN);
            assertThat(payload).isEqualTo(back);
        } else {
            assertThat(JdbcSessionChanges.parse(back)).isEqualTo(c);
        }
    }
}
