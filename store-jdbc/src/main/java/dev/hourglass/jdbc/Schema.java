package dev.hourglass.jdbc;

import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the tables on first open. The DDL lives in {@code schema-mysql.sql} and
 * {@code schema-postgresql.sql} beside this class, written for the default prefix {@code hg_}, so
 * a DBA can read and apply it by hand. Creation runs under a database-wide lock (GET_LOCK on
 * MySQL, an advisory transaction lock on PostgreSQL, where concurrent {@code CREATE TABLE IF NOT
 * EXISTS} can still collide), so any number of nodes may open at once.
 */
final class Schema {

    static final int VERSION = 3;
    static final String COMPONENT = "hourglass";
    private static final String DEFAULT_PREFIX = "hg_";

    private Schema() {}

    /** The statements of the dialect's script with the configured prefix. */
    static List<String> statements(Dialect d) {
        String resource = d.mysql ? "schema-mysql.sql" : "schema-postgresql.sql";
        String script;
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the store-jdbc jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder sql = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String s : sql.toString().split(";\\s*\n")) {
            if (!s.isBlank()) {
                statements.add(s.strip().replaceAll("\\b" + DEFAULT_PREFIX, d.prefix));
            }
        }
        return statements;
    }

    /** Makes sure the tables exist at {@link #VERSION}; waits at most {@code lockSeconds} for another node creating them. */
    static void ensure(Db db, int lockSeconds) {
        Dialect d = db.dialect;
        db.call("schema check", d.schemaVersion, c -> {
            if (installedVersion(c, d) == VERSION) {
                return null;
            }
            // The lock wait and the DDL may take longer than one call's timeout; the pool resets this on return.
            c.setNetworkTimeout(Runnable::run, (lockSeconds + 30) * 1000);
            if (d.mysql) {
                createMySql(c, d, lockSeconds);
            } else {
                createPostgres(c, d, lockSeconds);
            }
            int v = installedVersion(c, d);
            if (v != VERSION) {
                throw new StoreException("tables with prefix '" + d.prefix + "' are at schema version " + v
                        + " after creation, expected " + VERSION);
            }
            return null;
        });
    }

    /** The version recorded, 0 when the tables are absent, failing when it is newer than this library. */
    private static int installedVersion(Connection c, Dialect d) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT version FROM " + d.schemaVersion + " WHERE component = ?")) {
            ps.setString(1, COMPONENT);
            try (ResultSet rs = ps.executeQuery()) {
                int v = rs.next() ? rs.getInt(1) : 0;
                if (v > VERSION) {
                    throw new StoreException("tables with prefix '" + d.prefix + "' are at schema version " + v
                            + ", newer than this library's " + VERSION
                            + ": upgrade the library, or use another tablePrefix");
                }
                return v;
            }
        } catch (SQLException e) {
            if ("42S02".equals(e.getSQLState()) || "42P01".equals(e.getSQLState()) || e.getErrorCode() == 1146) {
                return 0;
            }
            throw e;
        }
    }

    private static void createMySql(Connection c, Dialect d, int lockSeconds) throws SQLException {
        String lock = "CONCAT('hourglass:', MD5(CONCAT(DATABASE(), ':', ?)))";
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(" + lock + ", ?)")) {
            ps.setString(1, d.prefix);
            ps.setInt(2, lockSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new StoreUnavailableException("another node held the schema lock for tables '" + d.prefix
                            + "*' longer than " + lockSeconds + " s");
                }
            }
        }
        try {
            run(c, statements(d));
        } finally {
            try (PreparedStatement ps = c.prepareStatement("SELECT RELEASE_LOCK(" + lock + ")")) {
                ps.setString(1, d.prefix);
                ps.executeQuery().close();
            }
        }
    }

    private static void createPostgres(Connection c, Dialect d, int lockSeconds) throws SQLException {
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + lockSeconds * 1000L);
                st.execute("SET LOCAL lock_timeout = " + lockSeconds * 1000L);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_advisory_xact_lock(18503, hashtext(current_schema() || ':' || ?))")) {
                ps.setString(1, d.prefix);
                ps.executeQuery().close();
            }
            run(c, statements(d));
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void run(Connection c, List<String> statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}
