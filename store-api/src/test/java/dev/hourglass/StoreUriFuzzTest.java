package dev.hourglass;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of store URI and option parsing ({@link Hourglass#open} and
 * {@code spi.StoreConfig}). The first byte chooses the form of the rest: a whole URI as UTF-8 or
 * UTF-16, a query after {@code memory:?}, or {@code name=value} backend properties. Each gives an
 * open store or an {@link IllegalArgumentException} with a message, never another exception, and no
 * message shows the cursor key (unless the fuzzed text itself holds it, as the value of another option).
 */
class StoreUriFuzzTest {

    private static final String SECRET = "s3cr3t-value-never-shown";

    @FuzzTest(maxDuration = "5s")
    void open(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        boolean given = new String(rest, UTF_8).contains(SECRET) || new String(rest, UTF_16LE).contains(SECRET);
        int mode = Math.floorMod(input[0], 4);
        StoreOptions options = StoreOptions.defaults();
        String uri = switch (mode) {
            case 0 -> new String(rest, UTF_8);
            case 1 -> new String(rest, UTF_16LE);
            case 2 -> "memory:?" + new String(rest, UTF_8) + "&cursorKey=" + SECRET;
            default -> {
                String text = new String(rest, UTF_8);
                int eq = text.indexOf('=');
                try {
                    options = StoreOptions.builder()
                            .property(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1))
                            .build();
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).contains("property");
                    yield null;
                }
                yield "memory:?cursorKey=" + SECRET;
            }
        };
        if (uri == null) {
            return;
        }
        try (Store store = Hourglass.open(uri, options)) {
            assertThat(store.backend()).isNotBlank();
            if (!given) {
                assertThat(store.uri()).doesNotContain(SECRET);
            }
            store.sessions().put("fuzz", Attributes.empty(), java.time.Duration.ofMinutes(1));
            assertThat(store.sessions().get("fuzz")).isPresent();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("java.").doesNotContain("Exception");
            if (!given) {
                assertThat(e.getMessage()).doesNotContain(SECRET);
            }
        }
    }
}
