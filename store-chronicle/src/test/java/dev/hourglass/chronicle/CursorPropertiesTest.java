package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Page;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import dev.hourglass.spi.Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Listing cursors on a real Chronicle store: arbitrary strings, through the API and straight into
 * the backend, give a page or IllegalArgumentException naming the argument, and never reach
 * Chronicle's memory unchecked; the cursors the store returns page through every id exactly once.
 */
class CursorPropertiesTest {

    private static final int SESSIONS = 300;
    private static final FakeClock CLOCK = new FakeClock();

    private static Path dir;
    private static Store store;
    private static Backend backend;
    private static final Set<String> IDS = new HashSet<>();

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("hourglass-cursors");
        String uri = "chronicle:" + dir + "?maxSessions=1000&maxStreams=10&maxMessages=100";
        StoreOptions options =
                StoreOptions.builder().clock(CLOCK).sweeperAutoStart(false).build();
        store = Hourglass.open(uri, options);
        backend = CursorProbe.open(uri, options);
        for (int i = 0; i < SESSIONS; i++) {
            String id = "s-" + Integer.toString(i * 7919, 36) + (i % 3 == 0 ? "\u00e9\ud83d\ude00" : "");
            store.sessions().put(id, Attributes.empty(), Duration.ofHours(1));
            IDS.add(id);
        }
    }

    @AfterContainer
    static void close() throws IOException {
        backend.close();
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Property(tries = 3000)
    void arbitraryStringsAsCursorsGiveAPageOrAreRefusedNamingTheArgument(
            @ForAll("cursors") String cursor, @ForAll @IntRange(min = -3, max = 400) int limit) {
        check(cursor, limit, () -> backend.sessions().ids(cursor, limit, CLOCK.millis()));
        check(cursor, limit, () -> store.sessions().ids(cursor, limit));
    }

    private static void check(String cursor, int limit, Supplier<Page<String>> call) {
        try {
            Page<String> p = call.get();
            assertThat(limit).as("a page for limit %d", limit).isPositive();
            assertThat(p.items()).hasSizeLessThanOrEqualTo(limit).doesNotHaveDuplicates();
            assertThat(IDS).containsAll(p.items());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).containsAnyOf("cursor", "limit");
            if (limit >= 1) {
                assertThat(e.getMessage()).contains("cursor");
            }
        }
    }

    @Property(tries = 40)
    void theCursorsTheStoreReturnsPageThroughEveryIdOnce(@ForAll @IntRange(min = 1, max = 400) int limit) {
        assertThat(walk(limit, (c, l) -> backend.sessions().ids(c, l, CLOCK.millis())))
                .hasSize(SESSIONS)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IDS);
        assertThat(walk(
                        limit,
                        (c, l) -> c == null
                                ? store.sessions().ids(l)
                                : store.sessions().ids(c, l)))
                .hasSize(SESSIONS)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(IDS);
    }

    private static List<String> walk(int limit, java.util.function.BiFunction<String, Integer, Page<String>> ids) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<String> p = ids.apply(cursor, limit);
            seen.addAll(p.items());
            cursor = p.next().orElse(null);
            assertThat(++pages).as("pages for limit %d", limit).isLessThan(2 * SESSIONS + 10);
        } while (cursor != null);
        return seen;
    }

    @Provide
    Arbitrary<String> cursors() {
        Arbitrary<String> segments = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.integers().between(0, 70).map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.strings()
                        .withCharRange('0', '9')
                        .withChars('-', '+', ' ')
                        .ofMaxLength(12));
        Arbitrary<String> rests = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of(IDS.isEmpty() ? List.of("s-0") : new ArrayList<>(IDS)),
                Arbitraries.strings().ofMinLength(250).ofMaxLength(400));
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                net.jqwik.api.Combinators.combine(segments, rests).as((s, r) -> s + ":" + r));
    }
}
