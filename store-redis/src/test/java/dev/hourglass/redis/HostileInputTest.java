package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Hourglass;
import dev.hourglass.Page;
import dev.hourglass.Store;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.FreePorts;
import dev.hourglass.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against a real Redis: cursors a caller made up are refused before Redis is asked,
 * stored bytes that do not decode are {@link CorruptDataException}, and what the store says when
 * Redis fails names the store without its password, the cause's text or class names.
 */
class HostileInputTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final List<String> BAD_CURSORS = List.of(
            "-2147483648:a",
            "-1:x",
            "-1.0.0.0",
            "256.0.0.0",
            "0.0.5.0",
            "0.18446744073709551616.0.0",
            "0.x.0.16",
            "0.0.0.10001",
            "",
            "1.2.3",
            "01.0.0.0",
            "0.0.0.0.0",
            "z".repeat(10_000));

    private static RedisServer redis;
    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> raw;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        client = RedisClient.create(redis.uri());
        raw = client.connect(ByteArrayCodec.INSTANCE);
    }

    @AfterAll
    static void stop() {
        raw.close();
        client.shutdown();
        redis.close();
    }

    private static StoreOptions options(String prefix) {
        return StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(2))
                .property("prefix", prefix)
                .build();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The backend itself, as the store sees it below its sealing of cursors. */
    private static Backend backend(String uri, String prefix) {
        return new RedisStoreProvider().open(StoreConfig.of(uri, "redis", options(prefix), id -> {}));
    }

    @Test
    void madeUpCursorsAreRefusedAndIssuedOnesListEveryIdOnce() {
        String prefix = TestStores.freshPrefix();
        long now = System.currentTimeMillis();
        try (Backend plain = backend(redis.uri(), prefix);
                Backend fallback = backend(redis.uri() + "?fallback=memory", prefix)) {
            for (int i = 0; i < 300; i++) {
                plain.sessions().put("id-" + i, Attributes.empty(), now, now + HOUR.toMillis());
            }
            for (Backend b : List.of(plain, fallback)) {
                for (String c : BAD_CURSORS) {
                    String sent = b == fallback ? "p" + c : c;
                    assertThatThrownBy(() -> b.sessions().ids(sent, 10, now))
                            .as("cursor %.40s", sent)
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith("cursor ");
                }
            }
            for (String c : List.of("x0.0.0.0", "p", "m", "", "0.0.0.0")) {
                assertThatThrownBy(() -> fallback.sessions().ids(c, 10, now))
                        .as(c)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("cursor ");
            }
            for (Backend b : List.of(plain, fallback)) {
                Set<String> seen = new HashSet<>();
                String cursor = null;
                do {
                    Page<String> page = b.sessions().ids(cursor, 7, now);
                    for (String id : page.items()) {
                        assertThat(seen.add(id)).as("listed twice: %s", id).isTrue();
                    }
                    cursor = page.next().orElse(null);
                } while (cursor != null);
                assertThat(seen).hasSize(300);
            }
        }
    }

    @Test
    void storedBytesThatDoNotDecodeAreCorruptData() {
        String prefix = TestStores.freshPrefix();
        Keys keys = new Keys(prefix, 256);
        RedisCommands<byte[], byte[]> r = raw.sync();
        try (Store store = Hourglass.open(redis.uri(), options(prefix))) {
            store.sessions().put("s", Attributes.strings(Map.of("a", "1")), HOUR);
            byte[] id = b("s");
            byte[] key = keys.session(keys.bucket(id), id);

            r.hset(key, Codec.field(Codec.VERSION), b("99999999999999999999"));
            assertThatThrownBy(() -> store.sessions().get("s"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("version of session 's'");
            r.hset(key, Codec.field(Codec.VERSION), b("3"));
            r.hset(key, new byte[] {(byte) 0xC0, (byte) 0xAF}, b("overlong"));
            assertThatThrownBy(() -> store.sessions().get("s"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("not UTF-8");
            assertThatThrownBy(() -> store.sessions().getAndTouch("s", HOUR)).isInstanceOf(CorruptDataException.class);
            r.hdel(key, new byte[] {(byte) 0xC0, (byte) 0xAF});
            assertThat(store.sessions().get("s")).isPresent();

            r.zadd(keys.sessionIndex(0), 9e15, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
            assertThatThrownBy(() -> store.sessions().ids(10_000))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("session id in an expiry index");

            store.streams().open("q", Attributes.empty(), HOUR);
            store.streams().append("q", b("hello"));
            byte[] qid = b("q");
            byte[] meta = keys.meta(keys.bucket(qid), qid);
            byte[] messages = keys.messages(keys.bucket(qid), qid);
            r.lset(messages, 0, b("no timestamp"));
            assertThatThrownBy(() -> store.streams().next("q", "reader"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("timestamp of message 1 of stream 'q'");
            r.hset(meta, Codec.field(Codec.STATUS), b("4294967296"));
            assertThatThrownBy(() -> store.streams().state("q"))
                    .isInstanceOf(CorruptDataException.class)
                    .hasMessageContaining("status of stream 'q'");
            assertThatThrownBy(() -> store.streams().next("q", "other")).isInstanceOf(CorruptDataException.class);
        }
    }

    @Test
    void failuresNameTheStoreWithoutPasswordCauseTextOrClassNames() throws Exception {
        String password = "pa/ss@w?rd";
        try (RedisServer secured = RedisServer.start()) {
            secured.command("ACL", "SETUSER", "app", "on", ">" + password, "~*", "+@all");
            String wrong = "redis://app:wr0ng-Secret@" + secured.host() + ":" + secured.port() + "/0";
            assertThatThrownBy(() -> Hourglass.open(wrong, options("p:")))
                    .isInstanceOf(StoreException.class)
                    .satisfies(e -> assertClean(e, "wr0ng-Secret"))
                    .satisfies(e -> assertThat(e.getCause())
                            .isNotNull()
                            .satisfies(c -> assertThat(c.getClass().getName()).startsWith("io.lettuce")));

            String good = "redis://app:"
                    + password.replace("/", "%2F").replace("@", "%40").replace("?", "%3F") + "@" + secured.host() + ":"
                    + secured.port() + "/0";
            try (Store store = Hourglass.open(good, options("p:"))) {
                store.sessions().put("a", Attributes.empty(), HOUR);
                secured.kill();
                assertThatThrownBy(() -> store.sessions().get("a"))
                        .isInstanceOf(StoreUnavailableException.class)
                        .satisfies(e -> assertClean(e, "ss@w"))
                        .satisfies(e -> assertThat(e.getCause()).isNotNull());
            }
        }
        String prefix = TestStores.freshPrefix();
        try (Store store = Hourglass.open(redis.uri(), options(prefix))) {
            redis.command("CONFIG", "SET", "maxmemory", "1");
            try {
                assertThatThrownBy(() ->
                                store.sessions().put("big", Attributes.strings(Map.of("a", "x".repeat(1000))), HOUR))
                        .isInstanceOf(StoreCapacityException.class)
                        .hasMessageContaining("(OOM)")
                        .satisfies(e -> assertClean(e, "maxmemory'"))
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("command not allowed"));
            } finally {
                redis.command("CONFIG", "SET", "maxmemory", "0");
            }
        }
    }

    @Test
    void degradedModeLogsTheStoreWithoutItsPassword() {
        int dead = FreePorts.next();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Store store = Hourglass.open(
                "redis://app:Zz-s3cret-zZ@127.0.0.1:" + dead + "/0?fallback=memory",
                StoreOptions.builder()
                        .timeout(Duration.ofMillis(300))
                        .sweeperAutoStart(false)
                        .build())) {
            store.sessions().put("x", Attributes.empty(), HOUR);
            assertThat(store.sessions().get("x")).isPresent();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("redis://****@127.0.0.1:" + dead);
        assertThat(log).doesNotContain("s3cret").doesNotContain("Exception").doesNotContain("io.lettuce");
    }

    private static void assertClean(Throwable e, String secret) {
        assertThat(e.getMessage())
                .startsWith("redis store redis://")
                .doesNotContain(secret)
                .doesNotContain("Exception")
                .doesNotContain("io.lettuce")
                .doesNotContain("io.netty")
                .doesNotContain("Connection refused")
                .doesNotContain("WRONGPASS invalid");
    }
}
