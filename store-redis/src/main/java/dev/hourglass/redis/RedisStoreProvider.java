package dev.hourglass.redis;

import dev.hourglass.Limits;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.MemoryFallback;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import io.lettuce.core.resource.ClientResources;
import java.util.Set;

/**
 * Redis through lettuce: {@code redis://[user:password@]host:6379/0}, {@code rediss://...} (TLS),
 * {@code redis-sentinel://host:26379,host2:26379/0#mymaster} and
 * {@code redis-cluster://[user:password@]h1:7000,h2:7001}. Every session operation is one round trip;
 * expiry is Redis's own (PEXPIRE), and the sweeper only reports expired sessions to listeners.
 *
 * <p>Options (query parameters or store properties):
 * <ul>
 * <li>{@code prefix} (default {@code hourglass:}): namespace of every key; no braces.</li>
 * <li>{@code timeout} (default: the store's timeout): the longest a call waits for Redis before
 *     failing with {@link dev.hourglass.StoreUnavailableException}; also the connect timeout.</li>
 * <li>{@code buckets} (default 256, a power of two): expiry index buckets, spread over Cluster
 *     slots; fixed for the life of the data under a prefix (checked when the store opens).</li>
 * <li>{@code expiryGrace} (default 1s): how long after its expiry Redis frees a key; expiry as
 *     callers see it is exact whatever the grace.</li>
 * <li>{@code requestQueueSize} (default 10000): commands a connection may hold before new ones fail.</li>
 * <li>{@code fallback} ({@code none} by default, or {@code memory}): degraded mode. While Redis is
 *     unreachable the store serves from this process's memory; sessions and streams written then
 *     exist only on this node and are dropped when Redis is back. It logs a WARN on each switch.</li>
 * <li>{@code maxSessionBytes}, {@code maxMessageBytes} (default 1 MiB each).</li>
 * <li>{@code replicas} (default 0, at most 16): durability. After every write (a session write, a
 *     stream append, a reader's advance, a limiter decision) the store waits with Redis WAIT until
 *     that many replicas of the master confirmed it, so a failover that promotes one of them keeps
 *     every write the store acknowledged. A write that fewer replicas confirm within {@code
 *     replicaTimeout} fails with {@link dev.hourglass.StoreUnavailableException} (it is on the master
 *     and may or may not survive a failover). WAIT holds the shared connection until the replicas
 *     answer, so each write costs a round trip to a replica more, and while a replica is missing
 *     writes wait up to {@code replicaTimeout} each. On a Cluster the store waits on the master that
 *     served the write, following {@code MOVED} and {@code ASK} after a failover or while slots
 *     move; the sweeper's removals of expired entries do not wait (a lost one is swept again).</li>
 * <li>{@code replicaTimeout} (default: the timeout, at most the timeout; only with {@code
 *     replicas}): how long a write waits for its replicas. A write and its wait together stay
 *     within the timeout.</li>
 * <li>{@code database}, {@code clientName}, {@code masterId} (Sentinel), {@code verifyPeer} (TLS).</li>
 * </ul>
 */
public final class RedisStoreProvider implements StoreProvider {

    /** The application's client resources the backends connect with, or null for the store's own. */
    private final ClientResources resources;

    /** The provider the class path offers: backends share client resources of the store's own. */
    public RedisStoreProvider() {
        this(null);
    }

    /** A provider whose backends connect with {@code resources} ({@link RedisStores#open}). */
    RedisStoreProvider(ClientResources resources) {
        this.resources = resources;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss", "redis-sentinel", "redis-cluster");
    }

    @Override
    public Backend open(StoreConfig config) {
        RedisSettings settings = RedisSettings.parse(config);
        if (!settings.fallbackToMemory()) {
            return new RedisBackend(config, settings, resources);
        }
        return MemoryFallback.wrap(
                config,
                "redis",
                new Limits(settings.maxSessionBytes(), settings.maxMessageBytes()),
                c -> new RedisBackend(c, settings, resources));
    }
}
