package dev.hourglass.jdbc;

import dev.hourglass.testkit.MariaDbServer;
import dev.hourglass.testkit.PostgresServer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One private MariaDB and one private PostgreSQL for the whole test run, started on first use and
 * stopped when the JVM exits. Tests stay apart by table prefix: each store gets fresh, empty tables.
 */
final class Databases {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static MariaDbServer mariaDb;
    private static PostgresServer postgres;

    private Databases() {}

    static synchronized MariaDbServer mariaDb() {
        if (mariaDb == null) {
            mariaDb = MariaDbServer.start();
            MariaDbServer server = mariaDb;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return mariaDb;
    }

    static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = PostgresServer.start();
            PostgresServer server = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return postgres;
    }

    /** A table prefix no other store of this run has used. */
    static String freshPrefix() {
        return "t" + ProcessHandle.current().pid() + "_" + PREFIXES.incrementAndGet() + "_";
    }

    /** {@code jdbc:mariadb://root@127.0.0.1:port/hourglass?tablePrefix=...}. */
    static String mariaDbUri(String prefix) {
        MariaDbServer db = mariaDb();
        return "jdbc:mariadb://root@" + db.host() + ":" + db.port() + "/" + MariaDbServer.DATABASE + "?tablePrefix="
                + prefix;
    }

    /** {@code jdbc:postgresql://postgres@127.0.0.1:port/hourglass?tablePrefix=...}. */
    static String postgresUri(String prefix) {
        PostgresServer db = postgres();
        return "jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/" + PostgresServer.DATABASE
                + "?tablePrefix=" + prefix;
    }
}
