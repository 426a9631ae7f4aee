package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link JdbcStores#open} over an application's pool, on a private MariaDB and PostgreSQL. */
class DataSourceStoreTest {

    private static HikariDataSource pool(String engine) {
        HikariConfig c = new HikariConfig();
        if (engine.equals("mariadb")) {
            c.setJdbcUrl(Databases.mariaDb().jdbcUrl());
            c.setUsername(Databases.mariaDb().user());
        } else {
            c.setJdbcUrl(Databases.postgres().jdbcUrl());
        }
        c.setMaximumPoolSize(4);
        c.setPoolName("application-" + engine);
        return new HikariDataSource(c);
    }

    /** The store works over the pool, shares its tables with a store opened by URI, and leaves the pool open. */
    @ParameterizedTest
    @ValueSource(strings = {"mariadb", "postgresql"})
    void aStoreOverTheApplicationsPoolLeavesItOpen(String engine) throws SQLException {
        String prefix = Databases.freshPrefix();
        try (HikariDataSource pool = pool(engine)) {
            Store store = JdbcStores.open(
                    pool, StoreOptions.builder().property("tablePrefix", prefix).build());
            assertThat(store.backend()).isEqualTo(engine.equals("mariadb") ? "jdbc:mariadb" : "jdbc:postgresql");
            store.sessions()
                    .put("s1", Attributes.strings(Map.of("index:principal", "alice", "k", "v")), Duration.ofHours(1));
            assertThat(store.sessions().findByIndex("principal", "alice")).containsOnlyKeys("s1");
            assertThat(store.isHealthy()).isTrue();
            String uri = engine.equals("mariadb") ? Databases.mariaDbUri(prefix) : Databases.postgresUri(prefix);
            try (Store byUri = Hourglass.open(uri)) {
                assertThat(byUri.sessions().get("s1").orElseThrow().attributes().getString("k"))
                        .isEqualTo("v");
            }
            store.close();
            assertThat(pool.isClosed()).isFalse();
            try (Connection c = pool.getConnection()) {
                assertThat(c.isValid(5)).isTrue();
            }
            Store again = JdbcStores.open(
                    pool, StoreOptions.builder().property("tablePrefix", prefix).build());
            assertThat(again.sessions().get("s1")).isPresent();
            again.close();
        }
    }

    @Test
    void nullArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> JdbcStores.open(null, StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dataSource");
        try (HikariDataSource pool = pool("postgresql")) {
            assertThatThrownBy(() -> JdbcStores.open(pool, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("options");
            assertThatThrownBy(() -> JdbcStores.open(
                            pool,
                            StoreOptions.builder()
                                    .property("tablePrefix", "1bad")
                                    .build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tablePrefix");
        }
    }

    @Test
    void aDataSourceThatGivesNoConnectionIsUnavailableWithoutItsText() {
        DataSource broken = new Refusing("jdbc:postgresql://secret-host:5432/db?password=hunter2");
        assertThatThrownBy(() -> JdbcStores.open(broken, StoreOptions.defaults()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("08001")
                .message()
                .doesNotContain("secret-host")
                .doesNotContain("hunter2");
    }

    /** A data source whose every connection attempt fails as a driver's would, naming its URL. */
    private record Refusing(String url) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("could not connect to " + url, "08001");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
