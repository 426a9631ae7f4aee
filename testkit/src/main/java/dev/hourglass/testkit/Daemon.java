package dev.hourglass.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process: started as a child of this JVM with its output appended to a log file,
 * awaited with a readiness probe, stopped gracefully or killed with all its descendants.
 */
final class Daemon {

    /** Whether the server answers; an exception counts as "not yet". */
    interface Probe {
        boolean ready() throws IOException;
    }

    /** Asks the server to shut down; {@link Daemon} then waits for it to exit. */
    interface Stopper {
        void requestStop(Process process);
    }

    private static final int LOG_TAIL_LINES = 40;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;
    private static final String PORT_IN_USE = "Address already in use";
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final String name;
    private final List<String> command;
    private final Path dir;
    private final Path log;
    private final Probe probe;
    private final Duration startTimeout;
    private final Stopper stopper;
    private final Runnable killAtExit = this::killNow;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Process process;

    /**
     * @param name how messages call the server, e.g. {@code "redis-server on 127.0.0.1:6380"}
     * @param dir the working directory, which holds the log file {@code logName}
     */
    Daemon(
            String name,
            List<String> command,
            Path dir,
            String logName,
            Probe probe,
            Duration startTimeout,
            Stopper stopper) {
        this.name = name;
        this.command = List.copyOf(command);
        this.dir = dir;
        this.log = dir.resolve(logName);
        this.probe = probe;
        this.startTimeout = startTimeout;
        this.stopper = stopper;
        Reaper.killAtExit(killAtExit);
    }

    /**
     * Starts the server again, stopping it first if it runs.
     *
     * @throws IllegalStateException if the server is closed or does not start
     */
    synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException(name + " is closed");
        }
        stop();
        start();
    }

    /** Stops the server and deletes its directory; later calls do nothing. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                stop();
            } finally {
                Dirs.deleteQuietly(dir);
                Reaper.forgetKill(killAtExit);
            }
        }
    }

    /**
     * Starts the process and returns once the probe succeeds.
     *
     * @throws PortInUseException if the server could not bind its port
     * @throws IllegalStateException if it exits or is not ready in time; it is killed then
     */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        long logOffset = Dirs.size(log);
        long started = System.nanoTime();
        Process launched;
        try {
            launched = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile()))
                    .start();
            launched.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
        process = launched;
        awaitReady(launched, started, logOffset);
        LOG.info(
                "{} ready in {} ms (pid {}, dir {})",
                name,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                launched.pid(),
                dir);
    }

    private void awaitReady(Process starting, long started, long logOffset) {
        long deadline = started + startTimeout.toNanos();
        Backoff backoff = new Backoff();
        Exception lastProbeError = null;
        while (true) {
            if (!starting.isAlive()) {
                String reason = name + " exited with code " + starting.exitValue() + " while starting";
                if (Dirs.tail(log, logOffset, Integer.MAX_VALUE).contains(PORT_IN_USE)) {
                    throw new PortInUseException(describeFailure(reason));
                }
                throw new IllegalStateException(describeFailure(reason));
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                lastProbeError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                Processes.killTree(starting);
                throw new IllegalStateException(
                        describeFailure(name + " was not ready within " + startTimeout.toSeconds() + " s"
                                + (lastProbeError == null ? "" : " (last probe error: " + lastProbeError + ")")
                                + "; killed it"),
                        lastProbeError);
            }
            backoff.pause();
        }
    }

    private String describeFailure(String reason) {
        return reason + "\ncommand: " + String.join(" ", command) + "\nlast " + LOG_TAIL_LINES + " lines of " + log
                + ":\n" + Dirs.tail(log, 0, LOG_TAIL_LINES);
    }

    /** Sends SIGKILL to the server and its descendants and waits until they are gone. */
    synchronized void kill() {
        killNow();
    }

    /** {@link #kill()} without taking the lock, for the shutdown hook. */
    void killNow() {
        Process current = process;
        if (current != null && current.isAlive()) {
            Processes.killTree(current);
            LOG.info("Killed {} (pid {})", name, current.pid());
        }
    }

    /** Asks the server to shut down and waits for it; kills it if it does not exit in time. */
    synchronized void stop() {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = Processes.tree(current.toHandle());
        try {
            stopper.requestStop(current);
            if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} did not stop within {} s; killing it", name, STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Cannot stop {} gracefully; killing it", name, e);
        } finally {
            Processes.killAll(tree);
            Processes.killTree(current);
        }
        LOG.info("Stopped {}", name);
    }

    /**
     * Runs {@code attempt} again, up to three times in all, while it fails because another process
     * took the port between {@link FreePorts#next()} and the server binding it.
     */
    static <T> T retryOnPortClash(Supplier<T> attempt) {
        for (int i = 1; ; i++) {
            try {
                return attempt.get();
            } catch (PortInUseException e) {
                if (i == PORT_ATTEMPTS) {
                    throw e;
                }
                LOG.info(
                        "Port taken while starting, retrying on another: {}",
                        e.getMessage().lines().findFirst().orElse(""));
            }
        }
    }

    boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Raised when the server exits because its port is taken, so the caller can pick another. */
    static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
