package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Hourglass;
import dev.hourglass.Page;
import dev.hourglass.Store;
import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.FreePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input against real MariaDB and PostgreSQL: cursors that could not be ids are refused
 * before the database is asked, ids and cursors that look like SQL are data, stored columns that do
 * not decode are {@link CorruptDataException}, and failures name the store without its password,
 * the driver's text or class names.
 */
class HostileInputTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final StoreOptions OPTIONS = StoreOptions.builder()
            .sweeperAutoStart(false)
            .timeout(Duration.ofSeconds(10))
            .build();
    private static final List<String> IDS = List.of(
            "a",
            "x' OR '1'='1",
            "b\"; DROP TABLE t; --",
            "c\\",
            "d%",
            "e_",
            "f\u00e9",
            "g\ud83d\ude00",
            "h/../",
            "i$1");

    private record Db(String uri, Function<String, String> sql) {}

    private static Db db(String engine, String prefix) {
        return engine.equals("mariadb")
                ? new Db(Databases.mariaDbUri(prefix), s -> Databases.mariaDb().sql(s))
                : new Db(
                        Databases.postgresUri(prefix), s -> Databases.postgres().sql(s));
    }

    /** The backend itself, as the store sees it below its sealing of cursors. */
    private static Backend backend(String uri) {
        String scheme = uri.substring(0, uri.indexOf(':', 5));
        return new JdbcProvider().open(StoreConfig.of(uri, scheme, OPTIONS, id -> {}));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "postgresql"})
    void cursorsThatCouldNotBeIdsAreRefusedAndSqlLookingOnesAreData(String engine) {
        Db db = db(engine, Databases.freshPrefix());
        long now = System.currentTimeMillis();
        try (Backend b = backend(db.uri())) {
            for (String id : IDS) {
                b.sessions().put(id, Attributes.strings(Map.of("v", id)), now, now + HOUR.toMillis());
            }
            for (String c : List.of("", "a\u0000b", "\u0001", "\ud800x", "x".repeat(257), "\u0085")) {
                assertThatThrownBy(() -> b.sessions().ids(c, 10, now))
                        .as("cursor %.20s", c)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("cursor ");
            }
            for (String c : List.of("-2147483648:a", "' OR 1=1 --", "a", "\uffff")) {
                assertThat(b.sessions().ids(c, 100, now).items())
                        .as(c)
                        .containsExactlyElementsOf(IDS.stream()
                                .filter(i -> compareBytes(i, c) > 0)
                                .sorted(HostileInputTest::compareBytes)
                                .toList());
            }
            List<String> listed = new ArrayList<>();
            String cursor = null;
            do {
                Page<String> page = b.sessions().ids(cursor, 3, now);
                listed.addAll(page.items());
                cursor = page.next().orElse(null);
            } while (cursor != null);
            assertThat(listed)
                    .containsExactlyElementsOf(
                            IDS.stream().sorted(HostileInputTest::compareBytes).toList());
            for (String id : IDS) {
                assertThat(b.sessions().get(id, now).attributes().getString("v"))
                        .isEqualTo(id);
            }
        }
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "postgresql"})
    void storedColumnsThatDoNotDecodeAreCorruptData(String engine) {
        String prefix = Databases.freshPrefix();
        Db db = db(engine, prefix);
        boolean pg = engine.equals("postgresql");
        try (Store store = Hourglass.open(db.uri(), OPTIONS)) {
            store.sessions().put("s", Attributes.strings(Map.of("a", "1")), HOUR);
            db.sql()
                    .apply("UPDATE " + prefix + "sessions SET attributes = "
                            + (pg ? "'\\xffffffff'::bytea" : "X'FFFFFFFF'"));
            assertThatThrownBy(() -> store.sessions().get("s"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("session 's'");
            assertThatThrownBy(() -> store.sessions().getAll(List.of("s"))).isInstanceOf(CorruptDataException.class);
            assertThatThrownBy(() -> store.sessions().getAndTouch("s", HOUR)).isInstanceOf(CorruptDataException.class);

            store.streams().open("q", Attributes.empty(), HOUR);
            store.streams().append("q", "m".getBytes(StandardCharsets.UTF_8));
            db.sql().apply("UPDATE " + prefix + "streams SET status = 7");
            assertThatThrownBy(() -> store.streams().state("q"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("status of stream 'q'");
            assertThatThrownBy(() -> store.streams().next("q", "r")).isInstanceOf(CorruptDataException.class);

            if (!pg) {
                db.sql()
                        .apply("INSERT INTO " + prefix
                                + "sessions (id, attributes, created_at, accessed_at, expires_at, version)"
                                + " VALUES (X'C0AF', X'00', 1, 1, 9000000000000000, 1)");
                assertThatThrownBy(() -> store.sessions().ids(100))
                        .isInstanceOf(CorruptDataException.class)
                        .hasMessageContaining("not UTF-8");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "postgresql"})
    void failuresNameTheStoreWithoutPasswordDriverTextOrClassNames(String engine) {
        int dead = FreePorts.next();
        String scheme = engine.equals("mariadb") ? "jdbc:mariadb" : "jdbc:postgresql";
        String uri = scheme + "://app:Zz-s3cret-zZ@127.0.0.1:" + dead + "/app?password=Yy-other-yY";
        assertThatThrownBy(() -> Hourglass.open(
                        uri,
                        StoreOptions.builder().timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .startsWith(scheme + " store " + scheme + "://****@127.0.0.1:" + dead)
                        .doesNotContain("s3cret")
                        .doesNotContain("other")
                        .doesNotContain("Exception")
                        .doesNotContain("com.mysql")
                        .doesNotContain("org.postgresql")
                        .doesNotContain("hikari")
                        .doesNotContain("refused")
                        .doesNotContain("Communications link"))
                .satisfies(e -> assertThat(e.getCause()).isNotNull());
    }
}
