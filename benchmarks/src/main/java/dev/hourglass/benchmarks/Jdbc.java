package dev.hourglass.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** The HikariCP pool the raw JDBC baseline and Spring Session JDBC share the settings of. */
final class Jdbc {

    static final int POOL_SIZE = 10;

    private Jdbc() {}

    /** A pool configured as the JDBC store configures its own (store-jdbc's defaults). */
    static HikariDataSource pool(Servers.Database db, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(db.url());
        c.setUsername(db.user());
        c.setPassword(db.password());
        c.setDataSourceProperties(driverProperties(db.mysql()));
        c.setMaximumPoolSize(POOL_SIZE);
        c.setMinimumIdle(POOL_SIZE);
        c.setConnectionTimeout(Subjects.TIMEOUT_SECONDS * 1000L - 200);
        c.setAutoCommit(true);
        c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return new HikariDataSource(c);
    }

    /** The driver properties the JDBC store sets, for the same timeout as the stores get. */
    static java.util.Properties driverProperties(boolean mysql) {
        java.util.Properties p = new java.util.Properties();
        if (mysql) {
            p.setProperty("cachePrepStmts", "true");
            p.setProperty("useServerPrepStmts", "true");
            p.setProperty("prepStmtCacheSize", "256");
            p.setProperty("prepStmtCacheSqlLimit", "8192");
            p.setProperty("rewriteBatchedStatements", "true");
            p.setProperty("useLocalSessionState", "true");
            p.setProperty("useLocalTransactionState", "true");
            p.setProperty("cacheServerConfiguration", "true");
            p.setProperty("cacheResultSetMetadata", "true");
            p.setProperty("maintainTimeStats", "false");
            p.setProperty("characterEncoding", "UTF-8");
            p.setProperty("tcpKeepAlive", "true");
            int lockWait = Subjects.TIMEOUT_SECONDS - 1;
            p.setProperty("connectTimeout", Integer.toString(Subjects.TIMEOUT_SECONDS * 1000));
            p.setProperty("socketTimeout", Integer.toString(lockWait * 1000 + 1000));
            p.setProperty("sessionVariables", "innodb_lock_wait_timeout=" + lockWait);
        } else {
            p.setProperty("prepareThreshold", "1");
            p.setProperty("tcpKeepAlive", "true");
            int ms = Subjects.TIMEOUT_SECONDS * 1000;
            p.setProperty("connectTimeout", Integer.toString(Subjects.TIMEOUT_SECONDS));
            p.setProperty("loginTimeout", Integer.toString(Subjects.TIMEOUT_SECONDS));
            p.setProperty("socketTimeout", Integer.toString(Subjects.TIMEOUT_SECONDS + 1));
            p.setProperty("options", "-c lock_timeout=" + (ms - 200) + " -c statement_timeout=" + ms);
        }
        return p;
    }

    /** A plain connection whose batches are sent as multi-row inserts, for populating quickly. */
    static Connection bulk(Servers.Database db) throws SQLException {
        String url = db.url()
                + (db.url().contains("?") ? "&" : "?")
                + (db.mysql() ? "rewriteBatchedStatements=true" : "reWriteBatchedInserts=true");
        return DriverManager.getConnection(url, db.user(), db.password());
    }

    /**
     * Loads rows with PostgreSQL's COPY: {@code rows} appends rows 0..count-1 in COPY's text format
     * (tab-separated, newline-terminated; see {@link #bytea}).
     */
    static void copy(
            Connection c, String copySql, int count, java.util.function.BiConsumer<Integer, StringBuilder> rows)
            throws SQLException {
        try {
            org.postgresql.copy.CopyManager copy =
                    c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
            StringBuilder sb = new StringBuilder(8 << 20);
            for (int i = 0; i < count; i++) {
                rows.accept(i, sb);
                if (sb.length() > (6 << 20) || i == count - 1) {
                    copy.copyIn(copySql, new java.io.StringReader(sb.toString()));
                    sb.setLength(0);
                }
            }
        } catch (java.io.IOException e) {
            throw new SQLException("COPY failed", e);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A bytea value in COPY's text format. */
    static void bytea(StringBuilder sb, byte[] b) {
        sb.append("\\\\x");
        for (byte x : b) {
            sb.append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
        }
    }

    /** Statistics for the planner after a bulk load, as an operator would have them. */
    static void analyze(Connection c, boolean mysql, String... tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute(mysql ? "ANALYZE TABLE " + t : "ANALYZE " + t);
            }
        }
    }

    static void execute(javax.sql.DataSource ds, String sql) {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run: " + sql, e);
        }
    }

    static boolean tableExists(javax.sql.DataSource ds, String table) {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
