package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The options {@code replicas} and {@code replicaTimeout}: validated, and on a standalone master a
 * write is acknowledged only once a replica confirmed it.
 */
class ReplicaAcknowledgementTest {

    private static final Duration TIMEOUT = Duration.ofMillis(800);

    private static RedisSettings parse(String uri) {
        return RedisSettings.parse(StoreConfig.of(
                uri, "redis", StoreOptions.builder().timeout(TIMEOUT).build(), id -> {}));
    }

    @Test
    void optionsAreReadAndValidated() {
        RedisSettings d = parse("redis://h");
        assertThat(d.replicas()).isZero();
        assertThat(d.replicaTimeout()).isEqualTo(TIMEOUT);
        RedisSettings o = parse("redis://h?replicas=2&replicaTimeout=150ms");
        assertThat(o.replicas()).isEqualTo(2);
        assertThat(o.replicaTimeout()).isEqualTo(Duration.ofMillis(150));

        assertThatThrownBy(() -> parse("redis://h?replicas=-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicas'")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> parse("redis://h?replicas=17"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicas'")
                .hasMessageContaining("17");
        assertThatThrownBy(() -> parse("redis://h?replicas=one"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicas'")
                .hasMessageContaining("one");
        assertThatThrownBy(() -> parse("redis://h?replicaTimeout=100ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicaTimeout'")
                .hasMessageContaining("replicas=0");
        assertThatThrownBy(() -> parse("redis://h?replicas=1&replicaTimeout=2s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicaTimeout'")
                .hasMessageContaining("2s");
        assertThatThrownBy(() -> parse("redis://h?replicas=1&replicaTimeout=0ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicaTimeout'")
                .hasMessageContaining("0ms");
        assertThatThrownBy(() -> parse("redis://h?replicas=1&replicaTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'replicaTimeout'")
                .hasMessageContaining("soon");
    }

    @Test
    void aWriteIsAcknowledgedOnlyOnceAReplicaConfirmedIt() throws Exception {
        String prefix = TestStores.freshPrefix();
        try (RedisServer master = RedisServer.start("--repl-diskless-sync-delay", "0");
                Store store = Hourglass.open(
                        master.uri() + "?replicas=1&replicaTimeout=300ms",
                        StoreOptions.builder()
                                .timeout(TIMEOUT)
                                .sweeperAutoStart(false)
                                .property("prefix", prefix)
                                .build())) {
            Attributes a = Attributes.strings(Map.of("a", "1"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.sessions().put("alone", a, Duration.ofHours(1)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("confirmed by 0 of 1 replicas")
                    .hasMessageContaining("replicaTimeout");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("a write waits replicaTimeout for its replica, within the timeout")
                    .isBetween(250L, TIMEOUT.toMillis() + 500);
            assertThat(store.sessions().get("alone"))
                    .as("the unconfirmed write is on the master; reads do not wait")
                    .map(Session::attributes)
                    .contains(a);
            assertThatThrownBy(() -> store.sessions().putAll(Map.of("b1", a, "b2", a), Duration.ofHours(1)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("putAll");
            assertThatThrownBy(() -> store.streams().open("s", Attributes.empty(), Duration.ofHours(1)))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("stream-open");

            try (RedisServer replica =
                    RedisServer.start("--replicaof", master.host(), Integer.toString(master.port()))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!((String) replica.command("INFO", "replication")).contains("master_link_status:up")) {
                    assertThat(System.nanoTime()).as("replica in sync").isLessThan(deadline);
                    Thread.sleep(10);
                }
                Session s = store.sessions().put("confirmed", a, Duration.ofHours(1));
                assertThat(replica.command("EXISTS", sessionKey(prefix, "confirmed")))
                        .as("the acknowledged write is on the replica already")
                        .isEqualTo(1L);
                assertThat(store.sessions().get("confirmed"))
                        .map(Session::version)
                        .contains(s.version());
                store.sessions().putAll(Map.of("b1", a, "b2", a), Duration.ofHours(1));
                assertThat(store.sessions().getAll(java.util.List.of("b1", "b2")))
                        .hasSize(2);
            }
        }
    }

    private static String sessionKey(String prefix, String id) {
        Keys keys = new Keys(prefix, 256);
        byte[] raw = Keys.id(id);
        return new String(keys.session(keys.bucket(raw), raw), StandardCharsets.UTF_8);
    }
}
