package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** Every session key of the layout gives back its id; keys of other kinds and stores give none. */
class TrackingKeysPropertiesTest {

    private static final Keys KEYS = new Keys("app:", 256);
    private static final Keys OTHER_PREFIX = new Keys("app:x", 256);
    private static final byte[] SESSION_KEYS = "app:s{".getBytes(StandardCharsets.UTF_8);

    @Property
    void aSessionKeyGivesItsId(@ForAll @StringLength(min = 1, max = 64) String id) {
        byte[] bytes = Keys.id(id);
        if (bytes.length > 256 || !StandardCharsets.UTF_8.newEncoder().canEncode(id)) {
            return;
        }
        byte[] key = KEYS.session(KEYS.bucket(bytes), bytes);
        assertThat(RedisTracking.sessionId(SESSION_KEYS, key)).isEqualTo(id);
    }

    @Property
    void otherKeysGiveNone(
            @ForAll @StringLength(min = 1, max = 64) String id, @ForAll @IntRange(max = 255) int bucket) {
        byte[] bytes = Keys.id(id);
        assertThat(RedisTracking.sessionId(SESSION_KEYS, KEYS.meta(bucket, bytes)))
                .isNull();
        assertThat(RedisTracking.sessionId(SESSION_KEYS, KEYS.messages(bucket, bytes)))
                .isNull();
        assertThat(RedisTracking.sessionId(SESSION_KEYS, KEYS.sessionIndex(bucket)))
                .isNull();
        assertThat(RedisTracking.sessionId(SESSION_KEYS, OTHER_PREFIX.session(bucket, bytes)))
                .isNull();
    }
}
