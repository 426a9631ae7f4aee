package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.SecondJvm;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.SessionBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A listing cursor from outside never reaches Chronicle's memory unchecked. The cursors that once
 * crashed the JVM or read out of bounds are tried in a second JVM, so that they fail this test
 * instead of killing it; the backend's own {@code ids} is tested directly as well, because it must
 * check its cursor whatever the layer above does.
 */
class CursorBoundsTest {

    private static final String OPTIONS = "?maxSessions=1000&maxStreams=10&maxMessages=1000";
    private static final long NOW = 1_000_000L;

    @TempDir
    static Path shared;

    private static Backend backend;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        backend = CursorProbe.open(
                "chronicle:" + shared + OPTIONS,
                StoreOptions.builder().sweeperAutoStart(false).build());
        for (int i = 0; i < 50; i++) {
            backend.sessions().put("s" + i, Attributes.empty(), NOW, NOW + 60_000);
        }
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @ParameterizedTest(name = "{0} cursor {1}")
    @CsvSource(
            delimiter = '|',
            value = {"api|-2147483648:a", "api|-1:x", "spi|-2147483648:a", "spi|-1:x", "spi|2147483647:a"})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aCraftedCursorIsRefusedNamingTheCursorAndTheJvmLivesOn(String mode, String cursor) throws Exception {
        List<String> out;
        try (SecondJvm child = SecondJvm.start(CursorProbe.class, "chronicle:" + dir + OPTIONS, mode, cursor)) {
            out = child.awaitSuccess(90, TimeUnit.SECONDS);
        }
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).startsWith("refused IllegalArgumentException ").contains("cursor");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-1:x",
                "-0:a",
                "+0:a",
                "00:a",
                "0",
                ":a",
                "x:a",
                "1x:a",
                "99999999999:a",
                "4096:a",
                "0:a\u0000",
                "0:\ud800",
                "0:\udc00a",
                "0:\u0085"
            })
    void theBackendRefusesEveryMalformedCursorItself(String cursor) {
        assertThatThrownBy(() -> backend.sessions().ids(cursor, 5, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor '")
                .hasMessageContaining("is not one this store returned");
    }

    @Test
    void aSegmentPastTheRealSegmentCountIsRefusedAndTheLastOneIsNot() {
        int segments = ((ChronicleBackend) backend).directory().sessions.segments();
        assertThatThrownBy(() -> backend.sessions().ids(segments + ":a", 5, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.." + (segments - 1));
        assertThat(backend.sessions().ids((segments - 1) + ":", 100, NOW).next())
                .isEmpty();
    }

    @Test
    void anIdLongerThanAnyIdIsRefusedAndTheMessageStaysShort() {
        String cursor = "0:" + "é".repeat(Records.MAX_ID_BYTES / 2 + 1);
        assertThatThrownBy(() -> backend.sessions().ids(cursor, 5, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than any id")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThat(backend.sessions().ids("0:" + "é".repeat(Records.MAX_ID_BYTES / 2), 5, NOW))
                .isNotNull();
    }

    @Test
    void aLimitBelowOneIsRefusedNamingTheLimit() {
        assertThatThrownBy(() -> backend.sessions().ids(null, 0, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> backend.sessions().ids(null, -1, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit")
                .hasMessageContaining("-1");
    }

    @Test
    void theCursorsTheBackendReturnsPageThroughEveryIdOnce() {
        SessionBackend s = backend.sessions();
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            Page<String> p = s.ids(cursor, 7, NOW);
            seen.addAll(p.items());
            cursor = p.next().orElse(null);
        } while (cursor != null);
        assertThat(seen).hasSize(50).doesNotHaveDuplicates();
    }
}
