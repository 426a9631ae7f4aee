package dev.hourglass.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL server on a free port of {@code 127.0.0.1}, with an empty database {@value
 * #DATABASE} (UTF8, C locale) and superuser {@code postgres} trusted without password.
 *
 * <p>Tuned to start fast and run tests fast, durable against a process crash but not an OS crash:
 * {@code fsync} and {@code full_page_writes} are off, while {@code synchronous_commit} stays on so
 * that a commit has reached the OS before it returns and survives {@link #kill()}. The data
 * directory is a copy of a template cached under {@code <java.io.tmpdir>/hourglass-testkit-cache},
 * so only the first server of a machine runs {@code initdb}. Committed data survives {@link
 * #kill()} and {@link #restart()}.
 *
 * <p>PostgreSQL refuses to run as root: when this JVM runs as root, the server runs as the OS user
 * {@code postgres}, which then owns the server's directory.
 */
public final class PostgresServer implements AutoCloseable {

    /** The database created for tests. */
    public static final String DATABASE = "hourglass";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final String USER = "postgres";
    private static final String OS_USER = "postgres";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String TEMPLATE_FORMAT = "1";
    private static final int PROTOCOL_3_0 = 196_608;

    private final String name;
    private final int port;
    private final Daemon daemon;

    private PostgresServer(int port, Path dir) {
        this.name = "postgres on " + FreePorts.HOST + ":" + port;
        this.port = port;
        Path data = dir.resolve("data");
        this.daemon = new Daemon(
                name,
                asServerUser(List.of(
                        bin("postgres"),
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=" + FreePorts.HOST,
                        "-c",
                        "fsync=off",
                        "-c",
                        "full_page_writes=off")),
                dir,
                "postgres.log",
                () -> acceptsSessions(port),
                START_TIMEOUT,
                process -> stopFast(data));
    }

    /** Fast shutdown: rolls back open transactions and disconnects clients instead of waiting. */
    private static void stopFast(Path data) {
        List<String> command = List.of(bin("pg_ctl"), "stop", "-D", data.toString(), "-m", "fast", "-w", "-t", "30");
        Exec.check(asServerUser(command), null);
    }

    /**
     * Starts a server and waits until it accepts sessions on database {@value #DATABASE}.
     *
     * @throws IllegalStateException if it does not start within 30 s; the message holds the end of
     *     its log
     */
    public static PostgresServer start() {
        return Daemon.retryOnPortClash(() -> {
            int port = FreePorts.next();
            Path dir = Dirs.createTemp("hourglass-postgres-" + port + "-");
            PostgresServer server = null;
            try {
                ownByServerUser(dir);
                createDataDir(dir.resolve("data"));
                server = new PostgresServer(port, dir);
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

    private static void createDataDir(Path data) {
        Path template = cachedTemplate();
        if (template == null) {
            initDb(data.getParent());
        } else {
            Dirs.copyTree(template.resolve("data"), data);
        }
    }

    /** The cached template, or null if the cache is unusable (then each server runs initdb). */
    private static Path cachedTemplate() {
        try {
            return TemplateCache.get(templateKey(), PostgresServer::initDb);
        } catch (IOException e) {
            LOG.warn("Cannot use the template cache, initialising each data directory: {}", e.toString());
            return null;
        }
    }

    private static String templateKey() {
        String version = ServerBinaries.version(ServerBinaries.locate("postgres"));
        return "postgresql-" + version + "-" + TEMPLATE_FORMAT;
    }

    /** Runs {@code initdb} into {@code dir/data} and creates the database. */
    private static void initDb(Path dir) {
        ownByServerUser(dir);
        String data = dir.resolve("data").toString();
        Exec.check(
                asServerUser(List.of(
                        bin("initdb"),
                        "-D",
                        data,
                        "-A",
                        "trust",
                        "-U",
                        USER,
                        "-E",
                        "UTF8",
                        "--no-locale",
                        "--no-sync")),
                null);
        Exec.Result created = Exec.check(
                asServerUser(List.of(bin("postgres"), "--single", "-D", data, "-F", USER)),
                "CREATE DATABASE " + DATABASE + ";\n");
        if (created.stdout().contains("ERROR") || created.stderr().contains("ERROR")) {
            throw new IllegalStateException("cannot create database " + DATABASE + ": " + created.describe());
        }
    }

    /** A tool of the installation that {@code postgres} belongs to, so that versions match. */
    private static String bin(String tool) {
        Path postgres = ServerBinaries.locate("postgres");
        Path path;
        try {
            path = postgres.toRealPath().resolveSibling(tool);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + postgres, e);
        }
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(tool + " not found next to " + postgres + " in " + path.getParent()
                    + "; install it with: apt-get install postgresql");
        }
        return path.toString();
    }

    private static List<String> asServerUser(List<String> command) {
        return Os.isRoot() ? Os.runAs(OS_USER, command) : command;
    }

    private static void ownByServerUser(Path dir) {
        if (Os.isRoot()) {
            Os.chown(dir, OS_USER);
        }
    }

    /**
     * Whether the server completes a session start-up on {@value #DATABASE}, as {@code pg_isready}
     * does: while starting or recovering it answers with an error instead.
     */
    private static boolean acceptsSessions(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePorts.HOST, port), 1_000);
            socket.setSoTimeout(1_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String s : List.of("user", USER, "database", DATABASE, "")) {
                body.writeBytes(s.getBytes(UTF_8));
                body.write(0);
            }
            out.writeInt(8 + body.size());
            out.writeInt(PROTOCOL_3_0);
            body.writeTo(out);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                byte type = in.readByte();
                int length = in.readInt();
                in.skipNBytes(length - 4);
                if (type == 'Z') {
                    out.writeByte('X');
                    out.writeInt(4);
                    out.flush();
                    return true;
                }
                if (type == 'E') {
                    return false;
                }
            }
        }
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return FreePorts.HOST;
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/hourglass?user=postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + FreePorts.HOST + ":" + port + "/" + DATABASE + "?user=" + USER;
    }

    /** {@code postgres}. */
    public String user() {
        return USER;
    }

    /** The empty string. */
    public String password() {
        return "";
    }

    /**
     * Runs SQL in database {@value #DATABASE} with {@code psql} and returns its output: rows
     * separated by newlines, columns by tabs, no header.
     *
     * @throws IllegalStateException with the client's error if the statement fails
     */
    public String sql(String sql) {
        Exec.Result result = Exec.run(
                List.of(
                        bin("psql"),
                        "--no-psqlrc",
                        "--host=" + FreePorts.HOST,
                        "--port=" + port,
                        "--username=" + USER,
                        "--dbname=" + DATABASE,
                        "--no-align",
                        "--tuples-only",
                        "--quiet",
                        "--field-separator=\t",
                        "--set=ON_ERROR_STOP=1",
                        "--command=" + sql),
                null);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("SQL failed on " + name + ": " + sql + "\n"
                    + result.stderr().strip());
        }
        return Exec.trimNewlines(result.stdout());
    }

    /**
     * Kills the postmaster and all its children with SIGKILL and waits until they are gone. Does
     * nothing if the server is not running.
     */
    public void kill() {
        daemon.kill();
    }

    /** Shuts the server down in fast mode ({@code pg_ctl stop -m fast}) and waits until it exits. */
    public void stop() {
        daemon.stop();
    }

    /**
     * Starts the server again on the same port and data directory, stopping it first if it runs, and
     * waits until it accepts sessions (after crash recovery, if it was killed).
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
