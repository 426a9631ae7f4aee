package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.contract.FakeClock;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Options, schema creation, capabilities and the sweeper lease of the JDBC stores. */
class JdbcStoreTest {

    private static final StoreOptions OPTIONS =
            StoreOptions.builder().sweeperAutoStart(false).build();

    private static JdbcSettings parse(String uri) {
        String scheme = uri.substring(0, uri.indexOf(':', 5));
        return JdbcSettings.parse(StoreConfig.of(uri, scheme, OPTIONS, id -> {}));
    }

    @Test
    void credentialsComeFromTheUriAndMariaDbGoesToTheMySqlDriver() {
        JdbcSettings s = parse("jdbc:mariadb://app:s%40cret@db1:3307/app?poolSize=3&sslMode=DISABLED");
        assertThat(s.mysql()).isTrue();
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:mysql://db1:3307/app");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("s@cret");
        assertThat(s.poolSize()).isEqualTo(3);
        assertThat(s.driverProperties())
                .containsEntry("sslMode", "DISABLED")
                .containsEntry("useServerPrepStmts", "true")
                .doesNotContainKeys("poolSize", "password");
        assertThat(s.tablePrefix()).isEqualTo("hg_");
        assertThat(s.listen()).isFalse();
    }

    @Test
    void postgresTimeoutsDeriveFromTheStoreTimeoutUnlessGiven() {
        JdbcSettings s = parse("jdbc:postgresql://db1/app?user=app&password=pw&socketTimeout=30");
        assertThat(s.mysql()).isFalse();
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db1/app");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("pw");
        assertThat(s.connectionTimeout()).isLessThanOrEqualTo(OPTIONS.timeout());
        assertThat(s.driverProperties())
                .containsEntry("socketTimeout", "30")
                .containsEntry("prepareThreshold", "1")
                .containsKey("options");
        assertThat(s.listen()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1abc", "hg-", "a b", "x;DROP", "_hg", "abcdefghijklmnopqrstuvwxyz0123456789"})
    void aBadTablePrefixIsRejectedNamingTheOption(String prefix) {
        assertThatThrownBy(() -> parse("jdbc:mysql://db1/app?tablePrefix=" + prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tablePrefix")
                .hasMessageContaining(prefix);
    }

    @Test
    void aUriWithoutHostIsRejected() {
        assertThatThrownBy(() -> parse("jdbc:mysql:app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:mysql://host:port/database");
        assertThatThrownBy(() -> parse("jdbc:postgresql:///app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no host");
    }

    @Test
    void badOptionValuesAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> parse("jdbc:mysql://db1/app?poolSize=0")).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> parse("jdbc:mysql://db1/app?connectionTimeout=soon"))
                .hasMessageContaining("connectionTimeout");
        assertThatThrownBy(() -> parse("jdbc:postgresql://db1/app?listen=maybe"))
                .hasMessageContaining("listen");
    }

    @Test
    void anUnreachableDatabaseFailsTheOpenAsUnavailableWithinTheTimeout() {
        int port = FreePorts.next();
        StoreOptions options = StoreOptions.builder()
                .timeout(Duration.ofSeconds(1))
                .sweeperAutoStart(false)
                .build();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> Hourglass.open("jdbc:mysql://u:secret@127.0.0.1:" + port + "/x", options))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining("secret");
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(4));
    }

    @Test
    void capabilitiesNameAndRedactedUri() {
        String uri = Databases.mariaDbUri(Databases.freshPrefix()).replace("root@", "root:@") + "&password=";
        try (Store maria = Hourglass.open(uri, OPTIONS);
                Store pg = Hourglass.open(Databases.postgresUri(Databases.freshPrefix()), OPTIONS)) {
            assertThat(maria.backend()).isEqualTo("jdbc:mariadb");
            assertThat(maria.capabilities())
                    .containsExactlyInAnyOrder(Capability.PERSISTENT, Capability.CROSS_PROCESS, Capability.CROSS_NODE);
            assertThat(pg.capabilities()).contains(Capability.BLOCKING_READS_NOTIFIED, Capability.CROSS_NODE);
            assertThat(maria.isHealthy()).isTrue();
            assertThat(pg.isHealthy()).isTrue();
        }
        try (Store s = Hourglass.open(Databases.mariaDbUri(Databases.freshPrefix()) + "&password=", OPTIONS)) {
            assertThat(s.uri()).contains("password=****");
        }
    }

    @Test
    void versionsCountWritesInTheLowBitsAndKeepTheCreationTime() {
        long now = 1_700_000_000_123L;
        long v = JdbcSessions.freshVersion(now);
        assertThat(JdbcSessions.createdAt(v)).isEqualTo(now);
        assertThat(v & Dialect.COUNTER_MASK).isBetween(1L, Dialect.COUNTER_MASK);
        long last = (now << 21) | Dialect.COUNTER_MASK;
        assertThat(JdbcSessions.bump(last)).isEqualTo((now << 21) | 1);
        assertThat(JdbcSessions.createdAt(JdbcSessions.bump(last))).isEqualTo(now);
        assertThat(JdbcSessions.bump(v)).isNotEqualTo(v);
        assertThatThrownBy(() -> JdbcSessions.freshVersion(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theVersionCounterWrapsInTheDatabaseAsInJava() {
        FakeClock clock = new FakeClock();
        StoreOptions options =
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
        String prefix = Databases.freshPrefix();
        try (Store store = Hourglass.open(Databases.mariaDbUri(prefix), options)) {
            store.sessions().put("w", Attributes.empty(), Duration.ofHours(1));
            long top = (clock.millis() << 21) | Dialect.COUNTER_MASK;
            Databases.mariaDb().sql("UPDATE " + prefix + "sessions SET version = " + top);
            long v = store.sessions()
                    .put("w", Attributes.empty(), Duration.ofHours(1))
                    .version();
            assertThat(v).isEqualTo(JdbcSessions.bump(top));
            assertThat(store.sessions().get("w").orElseThrow().createdAt().toEpochMilli())
                    .isEqualTo(clock.millis());
        }
    }

    @Test
    void theDdlResourcesApplyByHandAndTheStoreThenUsesThem() throws IOException {
        String maria = Databases.freshPrefix();
        Databases.mariaDb().sql(script("schema-mysql.sql", maria));
        String pg = Databases.freshPrefix();
        Databases.postgres().sql(script("schema-postgresql.sql", pg));
        for (String uri : List.of(Databases.mariaDbUri(maria), Databases.postgresUri(pg))) {
            try (Store s = Hourglass.open(uri, OPTIONS)) {
                s.sessions().put("a", Attributes.strings(Map.of("k", "v")), Duration.ofHours(1));
                assertThat(s.sessions().get("a")).isPresent();
            }
        }
        assertThat(Databases.mariaDb().sql("SELECT version FROM " + maria + "schema_version"))
                .isEqualTo("3");
        assertThat(Databases.postgres().sql("SELECT version FROM " + pg + "schema_version"))
                .isEqualTo("3");
    }

    private static String script(String resource, String prefix) throws IOException {
        try (InputStream in = Dialect.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("hg_", prefix);
        }
    }

    @Test
    void aSchemaNewerThanTheLibraryIsRefusedWithAClearMessage() {
        String prefix = Databases.freshPrefix();
        Hourglass.open(Databases.mariaDbUri(prefix), OPTIONS).close();
        Databases.mariaDb().sql("UPDATE " + prefix + "schema_version SET version = 4");
        assertThatThrownBy(() -> Hourglass.open(Databases.mariaDbUri(prefix), OPTIONS))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 4");
    }

    @Test
    void fourNodesOpeningAtOnceCreateTheTablesOnce() throws Exception {
        for (Function<String, String> uri :
                List.<Function<String, String>>of(Databases::mariaDbUri, Databases::postgresUri)) {
            String prefix = Databases.freshPrefix();
            CyclicBarrier start = new CyclicBarrier(4);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Store>> opened = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Callable<Store> open = () -> {
                        start.await();
                        return Hourglass.open(uri.apply(prefix), OPTIONS);
                    };
                    opened.add(pool.submit(open));
                }
                List<Store> stores = new ArrayList<>();
                for (Future<Store> f : opened) {
                    stores.add(f.get(60, TimeUnit.SECONDS));
                }
                stores.get(0).sessions().put("x", Attributes.empty(), Duration.ofHours(1));
                for (Store s : stores) {
                    assertThat(s.sessions().get("x")).isPresent();
                    s.close();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void oneNodeSweepsAtATimeAndHandsTheLeaseOverWhenClosed() {
        FakeClock clock = new FakeClock();
        StoreOptions options =
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
        String uri = Databases.mariaDbUri(Databases.freshPrefix());
        try (Store second = Hourglass.open(uri, options)) {
            Store first = Hourglass.open(uri, options);
            first.sessions().put("a", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(first.sweeper().orElseThrow().runNow().removedLastRun()).isEqualTo(1);
            first.sessions().put("b", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(second.sweeper().orElseThrow().runNow().removedLastRun())
                    .as("the lease is taken")
                    .isZero();
            first.close();
            assertThat(second.sweeper().orElseThrow().runNow().removedLastRun()).isEqualTo(1);
        }
    }

    @Test
    void aLapsedLeaseIsTakenOver() {
        FakeClock clock = new FakeClock();
        StoreOptions options =
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
        String uri = Databases.postgresUri(Databases.freshPrefix());
        try (Store first = Hourglass.open(uri, options);
                Store second = Hourglass.open(uri, options)) {
            first.sessions().put("a", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(first.sweeper().orElseThrow().runNow().removedLastRun()).isEqualTo(1);
            second.sessions().put("b", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(second.sweeper().orElseThrow().runNow().removedLastRun()).isZero();
            clock.advance(Duration.ofMinutes(2));
            assertThat(second.sweeper().orElseThrow().runNow().removedLastRun()).isEqualTo(1);
        }
    }

    @Test
    void postgresNotifiesOtherNodesEvenWithAMixedCasePrefix() throws Exception {
        String uri = Databases.postgresUri("Mx" + Databases.freshPrefix());
        int messages = 6;
        try (Store writer = Hourglass.open(uri, OPTIONS);
                Store reader = Hourglass.open(uri, OPTIONS)) {
            writer.streams().open("n", Attributes.empty(), Duration.ofHours(1));
            long[] receivedAt = new long[messages + 1];
            Thread t = new Thread(() -> {
                for (int i = 0; i < messages; ) {
                    var m = reader.streams()
                            .next("n", "r", Duration.ofSeconds(10))
                            .orElseThrow()
                            .message();
                    if (m.isPresent()) {
                        receivedAt[(int) m.get().sequence()] = System.nanoTime();
                        i++;
                    }
                }
            });
            t.start();
            long worst = 0;
            long[] appendedAt = new long[messages + 1];
            for (int i = 1; i <= messages; i++) {
                // Long gaps: a reader that only polled would be at its 500 ms safety slice by now.
                Thread.sleep(800 + ThreadLocalRandom.current().nextInt(200));
                writer.streams().append("n", new byte[] {1});
                appendedAt[i] = System.nanoTime();
            }
            t.join(10_000);
            for (int i = 1; i <= messages; i++) {
                worst = Math.max(worst, (receivedAt[i] - appendedAt[i]) / 1_000_000);
            }
            assertThat(worst).as("slowest ms from append to reader").isLessThan(250);
        }
    }
}
