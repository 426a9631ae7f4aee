package dev.hourglass.jdbc;

import dev.hourglass.Limits;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.MemoryFallback;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import java.util.Set;

/**
 * {@code jdbc:mysql:}, {@code jdbc:mariadb:} and {@code jdbc:postgresql:} stores: sessions and
 * streams in tables, pooled by HikariCP, with a leased sweeper that removes expired rows in small
 * batches without deadlocking. MySQL and MariaDB go through mysql-connector-j (a
 * {@code jdbc:mariadb:} URI is handed to it as {@code jdbc:mysql:}), PostgreSQL through its own
 * driver.
 *
 * <pre>{@code
 * jdbc:mariadb://app:secret@db1:3306/app?poolSize=20&tablePrefix=hg_
 * jdbc:postgresql://app@db1:5432/app?currentSchema=sessions
 * }</pre>
 *
 * <p>Options (query parameters or {@link dev.hourglass.StoreOptions#properties()}):
 * <ul>
 *   <li>{@code poolSize}: connections in the pool, default 10;</li>
 *   <li>{@code connectionTimeout}: the longest wait for a pooled connection, default the store's
 *       timeout; the driver's connect and socket timeouts and the server's lock-wait timeout are
 *       derived from the store's timeout unless given as driver properties;</li>
 *   <li>{@code validationTimeout}: the longest check of a connection's health, default the
 *       store's timeout;</li>
 *   <li>{@code tablePrefix}: prefix of every table name, default {@code hg_}, matching
 *       {@code [A-Za-z][A-Za-z0-9_]{0,30}};</li>
 *   <li>{@code maxSessionBytes}, {@code maxMessageBytes}: size limits, default 1 MiB each;</li>
 *   <li>{@code user}, {@code password}: credentials, also accepted as {@code user:password@} in
 *       the URI;</li>
 *   <li>{@code listen} (PostgreSQL): wake blocking readers with LISTEN/NOTIFY, default true;</li>
 *   <li>{@code fallback} ({@code none} by default, or {@code memory}): degraded mode, as
 *       {@link MemoryFallback} describes: while the database is unreachable the store serves from this
 *       process's memory, and what is written then exists only on this node.</li>
 * </ul>
 * Any other parameter goes to the JDBC driver as a connection property. {@link JdbcStores#open} opens
 * a store over an application's own {@link javax.sql.DataSource} instead of a pool of the store's own.
 */
public final class JdbcProvider implements StoreProvider {

    /** The application's data source the backend takes its connections from, or null for a pool of its own. */
    private final javax.sql.DataSource given;

    /** The provider the class path offers: each backend has a pool of its own. */
    public JdbcProvider() {
        this(null);
    }

    /** A provider whose backends take their connections from {@code given} ({@link JdbcStores#open}). */
    JdbcProvider(javax.sql.DataSource given) {
        this.given = given;
    }

    @Override
    public Set<String> schemes() {
        return Set.of("jdbc:mysql", "jdbc:mariadb", "jdbc:postgresql");
    }

    @Override
    public Backend open(StoreConfig config) {
        JdbcSettings settings = JdbcSettings.parse(config);
        if (!MemoryFallback.requested(config)) {
            return given == null ? JdbcBackend.open(settings, config) : JdbcBackend.over(settings, config, given);
        }
        return MemoryFallback.wrap(
                config,
                "jdbc",
                new Limits(settings.maxSessionBytes(), settings.maxMessageBytes()),
                c -> given == null ? JdbcBackend.open(settings, c) : JdbcBackend.over(settings, c, given));
    }
}
