package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the key names Redis pushes in invalidation messages: any bytes give
 * null or the id of a session key of the layout, and that key is exactly the bytes given.
 */
class TrackingKeysFuzzTest {

    private static final byte[] SESSION_KEYS = "p:s{".getBytes(StandardCharsets.UTF_8);

    @FuzzTest(maxDuration = "5s")
    void sessionIds(byte[] key) {
        String id = RedisTracking.sessionId(SESSION_KEYS, key);
        if (id == null) {
            return;
        }
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        assertThat(idBytes.length).isBetween(1, 256);
        byte[] tail = Arrays.copyOfRange(key, key.length - idBytes.length, key.length);
        assertThat(tail).isEqualTo(idBytes);
        assertThat(key[key.length - idBytes.length - 1]).isEqualTo((byte) '}');
        byte[] tag = Arrays.copyOfRange(key, SESSION_KEYS.length, key.length - idBytes.length - 1);
        assertThat(tag).isNotEmpty().doesNotContain((byte) '{', (byte) '}');
        assertThat(Arrays.copyOf(key, SESSION_KEYS.length)).isEqualTo(SESSION_KEYS);
    }
}
