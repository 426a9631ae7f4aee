package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the cursor token check. The first byte chooses what the rest is: a
 * token as UTF-8 or as UTF-16 (so unpaired surrogates too), a backend cursor to seal and open again,
 * or changes to an issued token. A token is opened to the cursor it sealed, or refused with
 * {@link IllegalArgumentException} naming {@code cursor}; nothing else is thrown.
 */
class CursorsFuzzTest {

    private static final Cursors CURSORS = Cursors.of(null, "memory", "sessions.ids");
    private static final Cursors KEYED = Cursors.of("a deployment's own cursor key", "memory", "sessions.ids");

    @FuzzTest(maxDuration = "5s")
    void open(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        switch (Math.floorMod(input[0], 4)) {
            case 0 -> openOrRefuse(new String(rest, UTF_8));
            case 1 -> openOrRefuse(new String(rest, UTF_16LE));
            case 2 -> {
                String cursor = new String(rest, UTF_16LE);
                String token;
                try {
                    token = CURSORS.seal(cursor);
                } catch (StoreException e) {
                    assertThat(Checks.unpairedSurrogate(cursor) >= 0
                                    || cursor.getBytes(UTF_8).length > Cursors.MAX_CURSOR_BYTES)
                            .isTrue();
                    return;
                }
                assertThat(token.length()).isLessThanOrEqualTo(Cursors.MAX_TOKEN_CHARS);
                assertThat(token).matches("[A-Za-z0-9_-]*");
                assertThat(CURSORS.open(token)).isEqualTo(cursor);
                assertThatThrownBy(() -> KEYED.open(token)).isInstanceOf(IllegalArgumentException.class);
            }
            default -> {
                String token = CURSORS.seal("0:session-" + rest.length);
                char[] chars = token.toCharArray();
                for (int i = 0; i + 1 < rest.length; i += 2) {
                    chars[Math.floorMod(rest[i], chars.length)] = (char) (rest[i + 1] & 0x7F);
                }
                String changed = new String(chars);
                if (changed.equals(token)) {
                    assertThat(CURSORS.open(changed)).isEqualTo("0:session-" + rest.length);
                } else {
                    assertThatThrownBy(() -> CURSORS.open(changed))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("cursor");
                }
            }
        }
    }

    private static void openOrRefuse(String token) {
        try {
            String cursor = CURSORS.open(token);
            assertThat(CURSORS.seal(cursor)).isEqualTo(token);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("cursor ");
            assertThat(e.getMessage().length()).isLessThan(300);
        }
    }
}
