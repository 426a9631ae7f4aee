package dev.hourglass.jdbc;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Opens a JDBC store over a {@link DataSource} the application already has (its connection pool),
 * instead of a pool of the store's own: the store takes its connections from it and never closes
 * it, so the application keeps one pool and closes it itself, after the store.
 *
 * <pre>{@code
 * Store store = JdbcStores.open(dataSource, StoreOptions.builder().property("tablePrefix", "hg_").build());
 * }</pre>
 *
 * <p>The engine (PostgreSQL, MariaDB or MySQL) is read from the connection's metadata. The options
 * of {@link JdbcProvider} apply as {@link StoreOptions#properties()} ({@code tablePrefix},
 * {@code maxSessionBytes}, {@code maxMessageBytes}, {@code fallback}); the pool's own options
 * ({@code poolSize}, timeouts, driver properties, credentials) are the data source's. On PostgreSQL,
 * blocking stream reads poll instead of being woken by LISTEN/NOTIFY, which would hold a connection
 * out of the application's pool for the store's life. The data source should hand out connections
 * in auto-commit mode and read-committed isolation, as pools do by default. The driver timeouts the
 * store sets on its own pool (socket, statement and lock-wait timeouts derived from the store's
 * timeout) are the data source's to set here: a call is bounded by them, not by the store's timeout.
 */
public final class JdbcStores {

    private JdbcStores() {}

    /**
     * A store over {@code dataSource}; closing the store leaves the data source open.
     *
     * @throws IllegalArgumentException when {@code dataSource} or {@code options} is null, when the
     *     database is not PostgreSQL, MariaDB or MySQL, or when an option is not valid
     * @throws StoreUnavailableException when no connection can be had from the data source, or the
     *     schema cannot be checked, within the store's timeout
     */
    public static Store open(DataSource dataSource, StoreOptions options) {
        if (dataSource == null) {
            throw new IllegalArgumentException("dataSource must not be null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use StoreOptions.defaults()");
        }
        return Hourglass.open(
                new JdbcProvider(dataSource), scheme(dataSource) + "://application-data-source/", options);
    }

    private static String scheme(DataSource dataSource) {
        String product;
        String version;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
            version = c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new StoreUnavailableException(
                    "jdbc store over the application's data source: no connection could be had (" + Db.codes(e) + ")",
                    e);
        }
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgresql")) {
            return "jdbc:postgresql";
        }
        // MySQL's driver names MariaDB "MySQL"; the server's version string says "MariaDB"
        if (p.contains("mariadb")
                || (p.contains("mysql")
                        && version != null
                        && version.toLowerCase(Locale.ROOT).contains("mariadb"))) {
            return "jdbc:mariadb";
        }
        if (p.contains("mysql")) {
            return "jdbc:mysql";
        }
        throw new IllegalArgumentException("dataSource must be of PostgreSQL, MariaDB or MySQL, is of "
                + JdbcCodec.abbreviate(product == null ? "" : product));
    }
}
