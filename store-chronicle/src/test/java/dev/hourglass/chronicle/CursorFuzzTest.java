package dev.hourglass.chronicle;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.StoreOptions;
import dev.hourglass.spi.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz target for the listing cursor against a real small Chronicle store: any string and limit
 * give a page of ids the store holds, or IllegalArgumentException naming the argument.
 */
class CursorFuzzTest {

    private static final long NOW = 1_000_000L;

    private static Path dir;
    private static Backend backend;
    private static final Set<String> IDS = new HashSet<>();

    @BeforeAll
    static void open() throws IOException {
        dir = Files.createTempDirectory("hourglass-cursor-fuzz");
        backend = CursorProbe.open(
                "chronicle:" + dir + "?maxSessions=1000&maxStreams=10&maxMessages=100",
                StoreOptions.builder().sweeperAutoStart(false).build());
        for (int i = 0; i < 100; i++) {
            String id = "id-" + i;
            backend.sessions().put(id, Attributes.empty(), NOW, NOW + 3_600_000);
            IDS.add(id);
        }
    }

    @AfterAll
    static void close() throws IOException {
        backend.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @FuzzTest(maxDuration = "5s")
    void listingCursor(FuzzedDataProvider data) {
        int limit = data.consumeBoolean() ? data.consumeInt(1, 200) : data.consumeInt();
        String cursor = data.consumeRemainingAsString();
        try {
            Page<String> p = backend.sessions().ids(cursor, limit, NOW);
            if (limit < 1 || p.items().size() > limit || !IDS.containsAll(p.items())) {
                throw new AssertionError("page of " + p.items().size() + " for limit " + limit + ": " + p.items());
            }
            if (p.next().isPresent()) {
                backend.sessions().ids(p.next().get(), limit, NOW);
            }
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m == null || !(m.startsWith("cursor '") || m.startsWith("limit ")) || m.length() > 300) {
                throw new AssertionError("refused without naming the argument: " + m, e);
            }
        }
    }
}
