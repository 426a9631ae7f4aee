package dev.hourglass.jdbc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Poll;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Tables of an older schema upgraded in place when a store opens them: the columns added since are
 * added once, whatever an interrupted upgrade left, and the data written before is read as it was.
 * The MySQL script adds columns only after asking information_schema, since MySQL 8 has no
 * {@code ADD COLUMN IF NOT EXISTS}.
 */
class SchemaUpgradeTest {

    private static final StoreOptions OPTIONS =
            StoreOptions.builder().sweeperAutoStart(false).build();

    private record Engine(String name, Function<String, String> uri, UnaryOperator<String> sql) {}

    private static final Engine MARIADB = new Engine(
            "mariadb", Databases::mariaDbUri, s -> Databases.mariaDb().sql(s));
    private static final Engine POSTGRES = new Engine(
            "postgresql", Databases::postgresUri, s -> Databases.postgres().sql(s));

    /** Writes a session and a stream that a reader has read one message of, through the store. */
    private static void writeData(Engine e, String prefix) {
        try (Store s = Hourglass.open(e.uri().apply(prefix), OPTIONS)) {
            s.sessions().put("kept", Attributes.strings(Map.of("k", "v")), Duration.ofHours(1));
            s.streams().open("chat", Attributes.empty(), Duration.ofHours(1));
            s.streams().append("chat", "one".getBytes(UTF_8));
            s.streams().append("chat", "two".getBytes(UTF_8));
            assertThat(s.streams().next("chat", "relay").orElseThrow().message())
                    .isPresent();
        }
    }

    /** Turns the tables back into the shape of schema version 2: no lease columns, no session index. */
    private static void downgradeToVersion2(Engine e, String prefix, boolean keepLeaseSeq) {
        e.sql().apply("DROP TABLE " + prefix + "session_index");
        e.sql().apply("ALTER TABLE " + prefix + "stream_readers DROP COLUMN lease_until");
        if (!keepLeaseSeq) {
            e.sql().apply("ALTER TABLE " + prefix + "stream_readers DROP COLUMN lease_seq");
        }
        e.sql().apply("UPDATE " + prefix + "schema_version SET version = 2");
    }

    private static String columns(Engine e, String prefix) {
        String schema = e == MARIADB ? "DATABASE()" : "current_schema()";
        return e.sql()
                .apply("SELECT column_name FROM information_schema.columns WHERE table_schema = " + schema
                        + " AND table_name = '" + prefix + "stream_readers' ORDER BY column_name")
                .replace('\n', ' ');
    }

    /** Opens the store over the tables and checks they are at version 3 with the data written before. */
    private static void assertUpgraded(Engine e, String prefix) {
        try (Store s = Hourglass.open(e.uri().apply(prefix), OPTIONS)) {
            assertThat(columns(e, prefix)).as(e.name()).isEqualTo("lease_seq lease_until marker reader stream_id");
            assertThat(e.sql().apply("SELECT version FROM " + prefix + "schema_version"))
                    .isEqualTo("3");
            assertThat(s.sessions().get("kept").orElseThrow().attributes().getString("k"))
                    .isEqualTo("v");
            assertThat(s.streams().state("chat").orElseThrow().markers()).containsEntry("relay", 1L);
            Poll p = s.streams().take("chat", "relay", Duration.ofSeconds(30)).orElseThrow();
            assertThat(p.message().orElseThrow().text()).isEqualTo("two");
            assertThat(s.streams()
                            .take("chat", "relay", Duration.ofSeconds(30))
                            .orElseThrow()
                            .heldUntil())
                    .isPresent();
            assertThat(s.streams().ack("chat", "relay", 2)).isTrue();
            s.sessions().put("indexed", Attributes.strings(Map.of("index:user", "ann")), Duration.ofHours(1));
            assertThat(s.sessions().findByIndex("user", "ann")).containsOnlyKeys("indexed");
        }
    }

    @Test
    void version2TablesAreUpgradedInPlaceOnMariaDbAndPostgres() {
        for (Engine e : new Engine[] {MARIADB, POSTGRES}) {
            String prefix = Databases.freshPrefix();
            writeData(e, prefix);
            downgradeToVersion2(e, prefix, false);
            assertThat(columns(e, prefix)).as(e.name()).isEqualTo("marker reader stream_id");
            assertUpgraded(e, prefix);
            // a second open finds the current version and changes nothing
            try (Store s = Hourglass.open(e.uri().apply(prefix), OPTIONS)) {
                assertThat(s.streams().state("chat").orElseThrow().markers()).containsEntry("relay", 2L);
            }
            assertThat(columns(e, prefix)).isEqualTo("lease_seq lease_until marker reader stream_id");
        }
    }

    @Test
    void anUpgradeInterruptedAfterOneColumnIsFinished() {
        for (Engine e : new Engine[] {MARIADB, POSTGRES}) {
            String prefix = Databases.freshPrefix();
            writeData(e, prefix);
            downgradeToVersion2(e, prefix, true);
            assertThat(columns(e, prefix)).as(e.name()).isEqualTo("lease_seq marker reader stream_id");
            assertUpgraded(e, prefix);
        }
    }

    @Test
    void theMySqlScriptAsksInformationSchemaInsteadOfUsingAddColumnIfNotExists() throws IOException {
        try (InputStream in = Dialect.class.getResourceAsStream("schema-mysql.sql")) {
            String script = new String(in.readAllBytes(), UTF_8);
            assertThat(script).doesNotContainIgnoringCase("IF NOT EXISTS lease");
            assertThat(script).contains("information_schema.columns");
        }
        // the script applied by hand twice over version 2 tables: the second run adds nothing twice
        String prefix = Databases.freshPrefix();
        writeData(MARIADB, prefix);
        downgradeToVersion2(MARIADB, prefix, false);
        for (int run = 0; run < 2; run++) {
            MARIADB.sql().apply(script(prefix));
            assertThat(columns(MARIADB, prefix)).isEqualTo("lease_seq lease_until marker reader stream_id");
        }
        assertUpgraded(MARIADB, prefix);
    }

    private static String script(String prefix) throws IOException {
        try (InputStream in = Dialect.class.getResourceAsStream("schema-mysql.sql")) {
            return new String(in.readAllBytes(), UTF_8).replace("hg_", prefix);
        }
    }
}
