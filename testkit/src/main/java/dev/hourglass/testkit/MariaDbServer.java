package dev.hourglass.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private MariaDB server on a free port of {@code 127.0.0.1}, with an empty database {@value
 * #DATABASE} (utf8mb4) and user {@code root} without password.
 *
 * <p>Tuned to start fast and run tests fast, durable against a process crash but not an OS crash:
 * {@code innodb_flush_log_at_trx_commit=2}, no doublewrite buffer, no binary log. The data
 * directory is a copy of a template cached under {@code <java.io.tmpdir>/hourglass-testkit-cache},
 * so only the first server of a machine runs {@code mariadb-install-db}. Committed data survives
 * {@link #kill()} and {@link #restart()}.
 */
public final class MariaDbServer implements AutoCloseable {

    /** The database created for tests. */
    public static final String DATABASE = "hourglass";

    private static final Logger LOG = LoggerFactory.getLogger(MariaDbServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String LOG_FILE_SIZE = "32M";
    private static final String TEMPLATE_FORMAT = "1";
    private static final byte HANDSHAKE_V10 = 10;

    private final String name;
    private final int port;
    private final Daemon daemon;

    private MariaDbServer(int port, Path dir) {
        this.name = "mariadbd on " + FreePorts.HOST + ":" + port;
        this.port = port;
        this.daemon = new Daemon(
                name,
                command(port, dir),
                dir,
                "mariadbd.log",
                () -> answersHandshake(port),
                START_TIMEOUT,
                Process::destroy);
    }

    /**
     * Starts a server and waits until it accepts connections.
     *
     * @throws IllegalStateException if it does not start within 30 s; the message holds the end of
     *     its log
     */
    public static MariaDbServer start() {
        return Daemon.retryOnPortClash(() -> {
            int port = FreePorts.next();
            Path dir = Dirs.createTemp("hourglass-mariadb-" + port + "-");
            MariaDbServer server = null;
            try {
                createDataDir(dir.resolve("data"));
                server = new MariaDbServer(port, dir);
                server.daemon.start();
                return server;
            } catch (RuntimeException e) {
                if (server == null) {
                    Dirs.deleteQuietly(dir);
                } else {
                    server.close();
                }
                throw e;
            }
        });
    }

    private static List<String> command(int port, Path dir) {
        List<String> command = new ArrayList<>(List.of(
                ServerBinaries.locate("mariadbd").toString(),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--bind-address=" + FreePorts.HOST,
                "--socket=" + dir.resolve("mariadbd.sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--tmpdir=" + dir,
                "--skip-name-resolve",
                "--skip-log-bin",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--innodb-buffer-pool-size=128M",
                "--innodb-log-file-size=" + LOG_FILE_SIZE,
                "--innodb-flush-log-at-trx-commit=2",
                "--innodb-doublewrite=0",
                "--innodb-temp-data-file-path=ibtmp1:1M:autoextend"));
        if (Os.isRoot()) {
            command.add("--user=root");
        }
        return command;
    }

    private static void createDataDir(Path data) {
        Path template = cachedTemplate();
        if (template == null) {
            try {
                installDb(data.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot initialise " + data, e);
            }
        } else {
            Dirs.copyTree(template.resolve("data"), data);
        }
    }

    /** The cached template, or null if the cache is unusable (then each server runs install-db). */
    private static Path cachedTemplate() {
        try {
            return TemplateCache.get(templateKey(), MariaDbServer::installDb);
        } catch (IOException e) {
            LOG.warn("Cannot use the template cache, initialising each data directory: {}", e.toString());
            return null;
        }
    }

    private static String templateKey() {
        String version = ServerBinaries.version(ServerBinaries.locate("mariadbd"));
        return "mariadb-" + version + "-" + TEMPLATE_FORMAT;
    }

    /** Runs {@code mariadb-install-db} into {@code dir/data}. */
    private static void installDb(Path dir) throws IOException {
        Path initSql = dir.resolve("init.sql");
        Files.writeString(
                initSql, "CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n");
        List<String> command = new ArrayList<>(List.of(
                ServerBinaries.locate("mariadb-install-db").toString(),
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--innodb-log-file-size=" + LOG_FILE_SIZE,
                "--extra-file=" + initSql));
        if (Os.isRoot()) {
            command.add("--user=root");
        }
        Exec.check(command, null);
        Files.delete(initSql);
    }

    /** Whether the server sends its protocol-10 greeting to a new TCP connection. */
    private static boolean answersHandshake(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePorts.HOST, port), 1_000);
            socket.setSoTimeout(1_000);
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(5);
            return header.length == 5 && header[4] == HANDSHAKE_V10;
        }
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return FreePorts.HOST;
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:mysql://127.0.0.1:<port>/hourglass}. */
    public String jdbcUrl() {
        return "jdbc:mysql://" + FreePorts.HOST + ":" + port + "/" + DATABASE;
    }

    /** {@code root}. */
    public String user() {
        return "root";
    }

    /** The empty string. */
    public String password() {
        return "";
    }

    /**
     * Runs SQL in database {@value #DATABASE} with the {@code mariadb} client and returns its output:
     * rows separated by newlines, columns by tabs, no header.
     *
     * @throws IllegalStateException with the client's error if the statement fails
     */
    public String sql(String sql) {
        Exec.Result result = Exec.run(
                List.of(
                        ServerBinaries.locate("mariadb").toString(),
                        "--no-defaults",
                        "--protocol=TCP",
                        "--host=" + FreePorts.HOST,
                        "--port=" + port,
                        "--user=root",
                        "--database=" + DATABASE,
                        "--batch",
                        "--skip-column-names",
                        "--connect-timeout=5",
                        "--execute=" + sql),
                null);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("SQL failed on " + name + ": " + sql + "\n"
                    + result.stderr().strip());
        }
        return Exec.trimNewlines(result.stdout());
    }

    /** Kills the server with SIGKILL and waits until it is gone; a no-op if it is not running. */
    public void kill() {
        daemon.kill();
    }

    /** Shuts the server down (SIGTERM) and waits until it exits. */
    public void stop() {
        daemon.stop();
    }

    /**
     * Starts the server again on the same port and data directory, stopping it first if it runs, and
     * waits until it accepts connections (after crash recovery, if it was killed).
     *
     * @throws IllegalStateException if the server is closed or does not start
     */
    public void restart() {
        daemon.restart();
    }

    public boolean isRunning() {
        return daemon.isRunning();
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        daemon.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
