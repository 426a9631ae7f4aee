package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.testkit.RedisServer;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** URI grammar, options and the key layout. */
class SettingsTest {

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        redis.command("ACL", "SETUSER", "app", "on", ">s3cret", "~*", "+@all");
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static RedisSettings parse(String uri) {
        String scheme = uri.substring(0, uri.indexOf(':'));
        return RedisSettings.parse(StoreConfig.of(uri, scheme, StoreOptions.defaults(), id -> {}));
    }

    private String uri(String userInfo, String query) {
        return "redis://" + userInfo + redis.host() + ":" + redis.port() + query;
    }

    @Test
    void defaultsAndOptionsAreRead() {
        RedisSettings d = parse("redis://localhost:6390/2");
        assertThat(d.prefix()).isEqualTo("hourglass:");
        assertThat(d.timeout()).isEqualTo(StoreOptions.defaults().timeout());
        assertThat(d.buckets()).isEqualTo(256);
        assertThat(d.fallbackToMemory()).isFalse();
        assertThat(d.uris()).singleElement().satisfies(u -> {
            assertThat(u.getPort()).isEqualTo(6390);
            assertThat(u.getDatabase()).isEqualTo(2);
        });
        RedisSettings o =
                parse("redis://localhost?prefix=app:&timeout=250ms&buckets=1024&fallback=memory&expiryGrace=0s");
        assertThat(o.prefix()).isEqualTo("app:");
        assertThat(o.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.buckets()).isEqualTo(1024);
        assertThat(o.fallbackToMemory()).isTrue();
        assertThat(o.expiryGrace()).isZero();
    }

    @Test
    void clusterAndSentinelUrisListTheirHosts() {
        RedisSettings c = parse("redis-cluster://user:pw@h1:7000,h2:7001?prefix=x:");
        assertThat(c.cluster()).isTrue();
        assertThat(c.uris()).extracting(RedisURI::getHost).containsExactly("h1", "h2");
        assertThat(c.uris()).extracting(RedisURI::getPort).containsExactly(7000, 7001);
        assertThat(new String(c.uris().get(0).getPassword())).isEqualTo("pw");
        RedisSettings s = parse("redis-sentinel://s1:26379,s2:26380/0#mymaster");
        assertThat(s.uris()).singleElement().satisfies(u -> {
            assertThat(u.getSentinelMasterId()).isEqualTo("mymaster");
            assertThat(u.getSentinels()).hasSize(2);
        });
        assertThat(parse("redis-sentinel://s1:26379?masterId=main")
                        .uris()
                        .get(0)
                        .getSentinelMasterId())
                .isEqualTo("main");
    }

    @Test
    void badOptionsAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> parse("redis://h?prefx=a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefx")
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> parse("redis://h?prefix=a{b}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prefix");
        assertThatThrownBy(() -> parse("redis://h?buckets=100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buckets")
                .hasMessageContaining("100");
        assertThatThrownBy(() -> parse("redis://h?fallback=disk"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fallback")
                .hasMessageContaining("disk");
        assertThatThrownBy(() -> parse("redis://h?timeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> parse("redis://h?buckets=1024&requestQueueSize=500"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestQueueSize");
        assertThatThrownBy(() -> parse("redis-sentinel://s1:26379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mymaster");
        assertThatThrownBy(() -> parse("redis-cluster://"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hosts");
    }

    @Test
    void bucketTagsSpreadEvenlyOverTheSlots() {
        for (int buckets : new int[] {1, 16, 256, 16384}) {
            String[] tags = Keys.tags(buckets);
            Set<Integer> slots = new HashSet<>();
            for (int b = 0; b < buckets; b++) {
                int slot = SlotHash.getSlot(tags[b]);
                assertThat(slot).isEqualTo(b * (16384 / buckets));
                slots.add(slot);
            }
            assertThat(slots).hasSize(buckets);
        }
    }

    @Test
    void anIdWithBracesStaysInItsBucketsSlot() {
        Keys keys = new Keys("app:", 256);
        for (String id : new String[] {"{tag}", "}{", "{}", "a{b}c", "{hourglass}:s:1", "*?[x]"}) {
            byte[] raw = Keys.id(id);
            int bucket = keys.bucket(raw);
            int slot = SlotHash.getSlot(keys.sessionIndex(bucket));
            assertThat(SlotHash.getSlot(keys.session(bucket, raw))).as(id).isEqualTo(slot);
            assertThat(SlotHash.getSlot(keys.meta(bucket, raw))).as(id).isEqualTo(slot);
            assertThat(SlotHash.getSlot(keys.messages(bucket, raw))).as(id).isEqualTo(slot);
            assertThat(SlotHash.getSlot(keys.lease(bucket))).as(id).isEqualTo(slot);
        }
    }

    @Test
    void passwordsWorkAndAreNotShown() {
        try (Store store = Hourglass.open(uri("app:s3cret@", "?prefix=pw:"), StoreOptions.defaults())) {
            store.sessions().put("a", Attributes.strings(Map.of("k", "v")), Duration.ofMinutes(1));
            assertThat(store.sessions().get("a")).isPresent();
            assertThat(store.uri()).doesNotContain("s3cret");
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> Hourglass.open(
                        uri("app:wrong@", ""),
                        StoreOptions.builder().timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(dev.hourglass.StoreUnavailableException.class)
                .message()
                .doesNotContain("wrong");
        System.out.println("wrong password failed after ms " + (System.nanoTime() - start) / 1_000_000);
        {
        }
    }

    @Test
    void aPrefixWrittenWithOtherBucketsIsRefused() {
        try (Store store = Hourglass.open(uri("app:s3cret@", "?prefix=layout:&buckets=64"), StoreOptions.defaults())) {
            store.sessions().put("a", Attributes.empty(), Duration.ofMinutes(1));
        }
        assertThatThrownBy(() ->
                        Hourglass.open(uri("app:s3cret@", "?prefix=layout:&buckets=128"), StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("buckets=64")
                .hasMessageContaining("buckets=128");
        try (Store again = Hourglass.open(uri("app:s3cret@", "?prefix=layout:&buckets=64"), StoreOptions.defaults())) {
            assertThat(again.sessions().get("a")).isPresent();
        }
    }
}
