package dev.hourglass.jdbc;

import dev.hourglass.spi.MemoryFallback;
import dev.hourglass.spi.StoreConfig;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/** A JDBC store's URI and options, validated, with the driver properties derived from them. */
record JdbcSettings(
        boolean mysql,
        String jdbcUrl,
        String user,
        String password,
        int poolSize,
        Duration connectionTimeout,
        Duration validationTimeout,
        String tablePrefix,
        long maxSessionBytes,
        long maxMessageBytes,
        boolean listen,
        Properties driverProperties) {

    static final Pattern PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,30}");
    static final Set<String> OPTIONS = Set.of(
            "poolSize",
            "connectionTimeout",
            "validationTimeout",
            "tablePrefix",
            "maxSessionBytes",
            "maxMessageBytes",
            "user",
            "password",
            "listen",
            MemoryFallback.OPTION);
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(250);
    private static final long MAX_BYTES = 256L << 20;

    static JdbcSettings parse(StoreConfig config) {
        boolean mysql = !config.scheme().equals("jdbc:postgresql");
        String location = config.location();
        if (!location.startsWith("//")) {
            throw new IllegalArgumentException("a " + config.scheme() + " URI must look like " + config.scheme()
                    + "://host:port/database, was '" + StoreConfig.redact(config.uri()) + "'");
        }
        String rest = location.substring(2);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        if (authority.isEmpty()) {
            throw new IllegalArgumentException("the URI names no host: '" + StoreConfig.redact(config.uri()) + "'");
        }
        Map<String, String> params = config.parameters();
        user = params.getOrDefault("user", user);
        password = params.getOrDefault("password", password);

        int poolSize = config.intValue("poolSize", 10, 1, 1000);
        Duration timeout = max(config.timeout(), MIN_TIMEOUT);
        // A little under the store's timeout, so that a caller waiting for a connection fails within it.
        Duration poolWait = max(timeout.minus(min(timeout.dividedBy(10), Duration.ofMillis(200))), MIN_TIMEOUT);
        Duration connectionTimeout =
                config.duration("connectionTimeout", poolWait, MIN_TIMEOUT, Duration.ofMinutes(10));
        Duration validationTimeout = config.duration("validationTimeout", timeout, MIN_TIMEOUT, Duration.ofMinutes(10));
        String prefix = config.string("tablePrefix", "hg_");
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("option 'tablePrefix' must match " + PREFIX.pattern()
                    + " (a letter, then up to 30 letters, digits or underscores), was '" + prefix + "'");
        }
        long maxSessionBytes = config.longValue("maxSessionBytes", 1 << 20, 1, MAX_BYTES);
        long maxMessageBytes = config.longValue("maxMessageBytes", 1 << 20, 1, MAX_BYTES);
        boolean listen = config.booleanValue("listen", true);

        Properties props = new Properties();
        long ms = timeout.toMillis();
        if (mysql) {
            // Server-side prepared statements cached per connection, one round trip per statement.
            props.setProperty("cachePrepStmts", "true");
            props.setProperty("useServerPrepStmts", "true");
            props.setProperty("prepStmtCacheSize", "256");
            props.setProperty("prepStmtCacheSqlLimit", "8192");
            props.setProperty("rewriteBatchedStatements", "true");
            props.setProperty("useLocalSessionState", "true");
            props.setProperty("useLocalTransactionState", "true");
            props.setProperty("cacheServerConfiguration", "true");
            props.setProperty("cacheResultSetMetadata", "true");
            props.setProperty("maintainTimeStats", "false");
            props.setProperty("characterEncoding", "UTF-8");
            props.setProperty("tcpKeepAlive", "true");
            long lockWaitSeconds = Math.max(1, ms / 1000 - 1);
            props.setProperty("connectTimeout", Long.toString(ms));
            props.setProperty("socketTimeout", Long.toString(Math.max(ms, lockWaitSeconds * 1000 + 1000)));
            props.setProperty("sessionVariables", "innodb_lock_wait_timeout=" + lockWaitSeconds);
        } else {
            props.setProperty("prepareThreshold", "1");
            props.setProperty("tcpKeepAlive", "true");
            props.setProperty("ApplicationName", "hourglass");
            long seconds = Math.max(1, (ms + 999) / 1000);
            props.setProperty("connectTimeout", Long.toString(seconds));
            props.setProperty("loginTimeout", Long.toString(seconds));
            props.setProperty("socketTimeout", Long.toString(seconds + 1));
            props.setProperty("options", "-c lock_timeout=" + Math.max(100, ms - 200) + " -c statement_timeout=" + ms);
        }
        params.forEach((k, v) -> {
            if (!OPTIONS.contains(k)) {
                props.setProperty(k, v);
            }
        });
        String scheme = mysql ? "jdbc:mysql://" : "jdbc:postgresql://";
        return new JdbcSettings(
                mysql,
                scheme + authority + path,
                user,
                password,
                poolSize,
                connectionTimeout,
                validationTimeout,
                prefix,
                maxSessionBytes,
                maxMessageBytes,
                listen && !mysql,
                props);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The driver properties with the credentials, for connections made outside the pool. */
    Properties connectionProperties() {
        Properties p = new Properties();
        p.putAll(driverProperties);
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }
}
