package dev.hourglass.nearcache;

import dev.hourglass.testkit.MariaDbServer;
import dev.hourglass.testkit.PostgresServer;
import dev.hourglass.testkit.RedisCluster;
import dev.hourglass.testkit.RedisServer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One private engine of each kind for the whole test run, started on first use and stopped when the
 * JVM exits; tests stay apart by key or table prefix. Every URI turns the near cache on.
 */
final class Engines {

    static final String NEAR = "nearCache=10000&nearCacheStaleness=2s";
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static RedisServer redis;
    private static RedisCluster cluster;
    private static MariaDbServer mariaDb;
    private static PostgresServer postgres;

    private Engines() {}

    static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start();
            RedisServer s = redis;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return redis;
    }

    static synchronized RedisCluster cluster() {
        if (cluster == null) {
            cluster = RedisCluster.start();
            RedisCluster s = cluster;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return cluster;
    }

    static synchronized MariaDbServer mariaDb() {
        if (mariaDb == null) {
            mariaDb = MariaDbServer.start();
            MariaDbServer s = mariaDb;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return mariaDb;
    }

    static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start();
            PostgresServer s = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return postgres;
    }

    static String freshPrefix() {
        return "nc" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_";
    }

    static String redisUri(String prefix) {
        return redis().uri() + "?prefix=" + prefix + "&" + NEAR;
    }

    static String clusterUri(String prefix) {
        return cluster().uri() + "?prefix=" + prefix + "&" + NEAR;
    }

    static String mariaDbUri(String prefix) {
        MariaDbServer db = mariaDb();
        return "jdbc:mariadb://root@" + db.host() + ":" + db.port() + "/" + MariaDbServer.DATABASE + "?tablePrefix="
                + prefix + "&" + NEAR;
    }

    static String postgresUri(String prefix) {
        PostgresServer db = postgres();
        return "jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + PostgresServer.DATABASE
                + "?tablePrefix=" + prefix + "&" + NEAR;
    }
}
