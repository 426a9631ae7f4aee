package dev.hourglass.testkit;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A private {@code redis-server} on a free port of {@code 127.0.0.1}, without persistence: it
 * runs with {@code --save "" --appendonly no}, so every (re)start begins with an empty data set.
 * {@code DEBUG} is enabled for local connections.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start("--notify-keyspace-events", "Ex")) {
 *   RedisClient client = RedisClient.create(redis.uri());
 *   ...
 *   redis.kill();    // the client sees the connection drop
 *   redis.restart(); // same port, empty
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    /** Builds the command line once the port and directory are known. */
    interface CommandLine {
        List<String> build(int port, Path dir) throws IOException;
    }

    private final String name;
    private final int port;
    private final Daemon daemon;

    private RedisServer(String kind, int port, Path dir, List<String> command) {
        this.name = kind + " on " + FreePorts.HOST + ":" + port;
        this.port = port;
        this.daemon = new Daemon(
                name,
                command,
                dir,
                kind + ".log",
                () -> "PONG".equals(Resp.call(FreePorts.HOST, port, "PING")),
                START_TIMEOUT,
                process -> shutdown(port, process));
    }

    /**
     * Sends {@code SHUTDOWN NOSAVE NOW}, which takes effect at once, where SIGTERM waits for the next
     * server tick; falls back to SIGTERM if the command fails.
     */
    private static void shutdown(int port, Process process) {
        try {
            Resp.call(FreePorts.HOST, port, "SHUTDOWN", "NOSAVE", "NOW");
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof EOFException) {
                return;
            }
            process.destroy();
        } catch (Resp.ErrorReply e) {
            process.destroy();
        }
    }

    /**
     * Starts a server and waits until it answers {@code PING}.
     *
     * @param extraArgs arguments appended to the {@code redis-server} command line, such as {@code
     *     "--maxmemory", "64mb"}
     * @throws IllegalStateException if it does not start within 10 s; the message holds the end of
     *     its log
     */
    public static RedisServer start(String... extraArgs) {
        List<String> extra = List.of(extraArgs);
        return launch("redis-server", (port, dir) -> command(port, dir, extra));
    }

    static List<String> command(int port, Path dir, List<String> extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                ServerBinaries.locate("redis-server").toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                FreePorts.HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--enable-debug-command",
                "local"));
        command.addAll(extraArgs);
        return command;
    }

    /** Starts a Redis process of some {@code kind} (used in names of its directory and log). */
    static RedisServer launch(String kind, CommandLine commandLine) {
        return Daemon.retryOnPortClash(() -> {
            int port = FreePorts.next();
            Path dir = Dirs.createTemp("hourglass-" + kind + "-" + port + "-");
            RedisServer server;
            try {
                server = new RedisServer(kind, port, dir, commandLine.build(port, dir));
            } catch (IOException e) {
                Dirs.deleteQuietly(dir);
                throw new UncheckedIOException("cannot prepare " + kind + " in " + dir, e);
            }
            try {
                server.daemon.start();
                return server;
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        });
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return FreePorts.HOST;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://" + FreePorts.HOST + ":" + port;
    }

    /**
     * Sends one command and returns the reply, as {@link Resp#call} does.
     *
     * @throws Resp.ErrorReply if the server answers with an error
     */
    public Object command(String... args) {
        return Resp.call(FreePorts.HOST, port, args);
    }

    /** Kills the server with SIGKILL and waits until it is gone; a no-op if it is not running. */
    public void kill() {
        daemon.kill();
    }

    /** Shuts the server down ({@code SHUTDOWN NOSAVE NOW}) and waits until it exits. */
    public void stop() {
        daemon.stop();
    }

    /**
     * Starts the server again on the same port and directory, stopping it first if it runs, and
     * waits until it answers {@code PING}.
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
