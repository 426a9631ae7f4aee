package dev.hourglass.redis;

import dev.hourglass.spi.MemoryFallback;
import dev.hourglass.spi.StoreConfig;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The options of a Redis store, read from the URI and the store options, each validated with a
 * message naming it. Lettuce parses the host part; the query parameters are the store's own.
 */
record RedisSettings(
        String scheme,
        List<RedisURI> uris,
        boolean cluster,
        String prefix,
        Duration timeout,
        int buckets,
        Duration expiryGrace,
        int requestQueueSize,
        boolean fallbackToMemory,
        long maxSessionBytes,
        long maxMessageBytes,
        int replicas,
        Duration replicaTimeout) {

    static final Set<String> KNOWN = Set.of(
            "prefix",
            "timeout",
            "buckets",
            "expiryGrace",
            "requestQueueSize",
            "fallback",
            "maxSessionBytes",
            "maxMessageBytes",
            "replicas",
            "replicaTimeout",
            "database",
            "clientName",
            "masterId",
            "verifyPeer");

    static RedisSettings parse(StoreConfig config) {
        config.requireKnown(KNOWN);
        String scheme = config.scheme().toLowerCase(Locale.ROOT);
        String prefix = config.string("prefix", "hourglass:");
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("option 'prefix' must not contain '{' or '}' (they would become the"
                    + " Cluster hash tag of every key), was '" + prefix + "'");
        }
        Duration timeout = config.duration("timeout", config.timeout(), Duration.ofMillis(10), Duration.ofMinutes(10));
        int buckets = config.intValue("buckets", 256, 1, 16384);
        if (Integer.bitCount(buckets) != 1) {
            throw new IllegalArgumentException(
                    "option 'buckets' must be a power of two (1, 2, 4 ... 16384), was " + buckets);
        }
        Duration grace = config.duration("expiryGrace", Duration.ofSeconds(1), Duration.ZERO, Duration.ofDays(1));
        int queue = config.intValue("requestQueueSize", 10_000, 1, 1_000_000);
        if (queue < 2 * buckets + 64) {
            throw new IllegalArgumentException(
                    "option 'requestQueueSize' must be at least 2 x buckets + 64 = " + (2 * buckets + 64)
                            + " (count and the sweeper send one command per bucket at once), was " + queue);
        }
        boolean fallback = MemoryFallback.requested(config);
        long maxSession = config.longValue("maxSessionBytes", 1 << 20, 1, 512L << 20);
        long maxMessage = config.longValue("maxMessageBytes", 1 << 20, 1, 512L << 20);
        int replicas = config.intValue("replicas", 0, 0, 16);
        if (replicas == 0 && config.parameters().containsKey("replicaTimeout")) {
            throw new IllegalArgumentException("option 'replicaTimeout' only applies with option 'replicas' of 1 or"
                    + " more, was given with replicas=0");
        }
        Duration replicaTimeout = config.duration("replicaTimeout", timeout, Duration.ofMillis(1), timeout);
        boolean cluster = scheme.equals("redis-cluster");
        List<RedisURI> uris = uris(config, scheme, cluster, timeout);
        return new RedisSettings(
                scheme,
                uris,
                cluster,
                prefix,
                timeout,
                buckets,
                grace,
                queue,
                fallback,
                maxSession,
                maxMessage,
                replicas,
                replicaTimeout);
    }

    private static List<RedisURI> uris(StoreConfig config, String scheme, boolean cluster, Duration timeout) {
        String location = config.location();
        String masterId = config.parameters().get("masterId");
        int hash = location.indexOf('#');
        if (hash >= 0) {
            masterId = location.substring(hash + 1);
            location = location.substring(0, hash);
        }
        if (!location.startsWith("//") || location.length() == 2) {
            throw new IllegalArgumentException("a " + scheme + " URI needs hosts, as in " + scheme
                    + "://host:6379/0, was '" + StoreConfig.redact(config.uri()) + "'");
        }
        List<String> specs = new ArrayList<>();
        if (cluster) {
            String rest = location.substring(2);
            String auth = "";
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                auth = rest.substring(0, at + 1);
                rest = rest.substring(at + 1);
            }
            int slash = rest.indexOf('/');
            if (slash >= 0) {
                rest = rest.substring(0, slash);
            }
            for (String host : rest.split(",")) {
                if (!host.isBlank()) {
                    specs.add("redis://" + auth + host.trim());
                }
            }
        } else if (scheme.equals("redis-sentinel")) {
            if (masterId == null || masterId.isBlank()) {
                throw new IllegalArgumentException("a redis-sentinel URI needs the master's name, as in"
                        + " redis-sentinel://host:26379/0#mymaster or ?masterId=mymaster, was '"
                        + StoreConfig.redact(config.uri()) + "'");
            }
            specs.add("redis-sentinel:" + location + "#" + masterId);
        } else {
            specs.add(scheme + ":" + location);
        }
        List<RedisURI> uris = new ArrayList<>();
        for (String spec : specs) {
            RedisURI uri;
            try {
                uri = RedisURI.create(spec);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "cannot read the Redis address in '" + StoreConfig.redact(config.uri())
                                + "': expected host:port or [host]:port after an optional user:password@",
                        e);
            }
            uri.setTimeout(timeout);
            String db = config.parameters().get("database");
            if (db != null) {
                uri.setDatabase(config.intValue("database", 0, 0, 65_535));
            }
            String name = config.parameters().get("clientName");
            if (name != null) {
                uri.setClientName(name);
            }
            if (config.parameters().containsKey("verifyPeer")) {
                uri.setVerifyPeer(config.booleanValue("verifyPeer", true));
            }
            uris.add(uri);
        }
        if (cluster && uris.isEmpty()) {
            throw new IllegalArgumentException("a redis-cluster URI needs at least one host, as in"
                    + " redis-cluster://h1:7000,h2:7001, was '" + StoreConfig.redact(config.uri()) + "'");
        }
        return uris;
    }
}
