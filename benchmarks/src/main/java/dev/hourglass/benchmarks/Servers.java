package dev.hourglass.benchmarks;

import dev.hourglass.testkit.MariaDbServer;
import dev.hourglass.testkit.PostgresServer;
import dev.hourglass.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the servers are. The launcher starts private loopback instances once and passes their
 * addresses to the forks as system properties; a fork run without them (a benchmark started
 * directly with {@code java -jar benchmarks.jar}) starts its own instance and stops it on exit.
 */
final class Servers {

    static final String REDIS = "bench.redis";
    static final String MARIADB = "bench.mariadb";
    static final String MARIADB_USER = "bench.mariadb.user";
    static final String MARIADB_PASSWORD = "bench.mariadb.password";
    static final String POSTGRESQL = "bench.postgresql";
    static final String POSTGRESQL_USER = "bench.postgresql.user";
    static final String POSTGRESQL_PASSWORD = "bench.postgresql.password";

    private static final List<AutoCloseable> OWNED = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Servers::stopOwned, "bench-servers-stop"));
    }

    private Servers() {}

    /** {@code redis://127.0.0.1:<port>}. */
    static synchronized String redis() {
        if (System.getProperty(REDIS) == null) {
            RedisServer r = RedisServer.start();
            OWNED.add(r);
            System.setProperty(REDIS, r.uri());
        }
        return System.getProperty(REDIS);
    }

    static String redisHost() {
        return java.net.URI.create(redis()).getHost();
    }

    static int redisPort() {
        return java.net.URI.create(redis()).getPort();
    }

    /** The JDBC URL, user and password of the database named {@code mariadb} or {@code postgresql}. */
    static synchronized Database database(String name) {
        switch (name) {
            case "mariadb":
                if (System.getProperty(MARIADB) == null) {
                    MariaDbServer m = MariaDbServer.start();
                    OWNED.add(m);
                    System.setProperty(MARIADB, m.jdbcUrl());
                    System.setProperty(MARIADB_USER, m.user());
                    System.setProperty(MARIADB_PASSWORD, m.password());
                }
                return new Database(
                        name,
                        System.getProperty(MARIADB),
                        System.getProperty(MARIADB_USER),
                        System.getProperty(MARIADB_PASSWORD, ""));
            case "postgresql":
                if (System.getProperty(POSTGRESQL) == null) {
                    PostgresServer p = PostgresServer.start();
                    OWNED.add(p);
                    System.setProperty(POSTGRESQL, p.jdbcUrl());
                    System.setProperty(POSTGRESQL_USER, p.user());
                    System.setProperty(POSTGRESQL_PASSWORD, p.password());
                }
                return new Database(
                        name,
                        System.getProperty(POSTGRESQL),
                        System.getProperty(POSTGRESQL_USER),
                        System.getProperty(POSTGRESQL_PASSWORD, ""));
            default:
                throw new IllegalArgumentException("database must be mariadb or postgresql, was '" + name + "'");
        }
    }

    /** Starts every server not given by a system property; returns the properties to pass to forks. */
    static List<String> startAll() {
        List<String> props = new ArrayList<>();
        redis();
        database("mariadb");
        database("postgresql");
        for (String p : List.of(
                REDIS, MARIADB, MARIADB_USER, MARIADB_PASSWORD, POSTGRESQL, POSTGRESQL_USER, POSTGRESQL_PASSWORD)) {
            props.add("-D" + p + "=" + System.getProperty(p, ""));
        }
        return props;
    }

    static synchronized void stopOwned() {
        for (int i = OWNED.size() - 1; i >= 0; i--) {
            try {
                OWNED.get(i).close();
            } catch (Exception e) {
                System.err.println("# could not stop " + OWNED.get(i) + ": " + e);
            }
        }
        OWNED.clear();
    }

    /** A database server: its JDBC URL and credentials. */
    record Database(String name, String url, String user, String password) {

        boolean mysql() {
            return name.equals("mariadb");
        }

        /** The URL with the credentials as query parameters, for opening a store by URI. */
        String urlWithCredentials() {
            String u = url;
            if (!u.contains("user=")) {
                u += (u.contains("?") ? "&" : "?") + "user=" + user;
            }
            if (!password.isEmpty() && !u.contains("password=")) {
                u += "&password=" + password;
            }
            return u;
        }
    }
}
