package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the stream parameters (lease, ack, Last-Event-ID, from) as raw text: the
 * first byte picks the parameter, the rest is its value as UTF-8. A value is taken as a number in
 * range, or refused with a 400 naming the parameter whose message is short and control-free; nothing
 * else is thrown.
 */
class StreamParamsFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parse(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String v = new String(Arrays.copyOfRange(input, 1, input.length), StandardCharsets.UTF_8);
        int which = Math.floorMod(input[0], 4);
        String name = switch (which) {
            case 0 -> "lease";
            case 1 -> "ack";
            case 2 -> "Last-Event-ID";
            default -> "from";
        };
        long n;
        try {
            n = switch (which) {
                case 0 -> StreamParams.lease(v);
                case 1 -> StreamParams.ack(v);
                case 2 -> StreamParams.resumeAfter(v, null);
                default -> StreamParams.resumeAfter(null, v);
            };
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(name + " must be").doesNotContainPattern("\\p{Cntrl}");
            assertThat(e.getMessage().length()).isLessThan(200);
            return;
        }
        assertThat(v.trim()).matches("[0-9]{1,18}");
        assertThat(n).isEqualTo(Long.parseLong(v.trim()));
        if (which == 0) {
            assertThat(n).isBetween(1L, StreamParams.MAX_LEASE_MS);
        } else if (which == 1) {
            assertThat(n).isPositive();
        }
    }
}
