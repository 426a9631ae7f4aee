package dev.hourglass.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Process-tree helpers. */
final class Processes {

    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

    private Processes() {}

    /**
     * Snapshot of {@code process} and all its descendants, taken while the parent links still exist:
     * once a parent dies, its children are re-parented and no longer show up as descendants.
     */
    static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        return tree;
    }

    /** Sends SIGKILL to {@code process} and its descendants, and waits until they are gone. */
    static void killTree(Process process) {
        if (process != null) {
            killAll(tree(process.toHandle()));
            awaitExit(process);
        }
    }

    /** Sends SIGKILL to every process of {@code handles} and waits until they are gone. */
    static void killAll(List<ProcessHandle> handles) {
        handles.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + EXIT_TIMEOUT.toNanos();
        for (ProcessHandle handle : handles) {
            awaitGone(handle, deadline);
        }
    }

    private static void awaitExit(Process process) {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw notGone(process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for process " + process.pid() + " to exit", e);
        }
    }

    private static void awaitGone(ProcessHandle handle, long deadline) {
        Backoff backoff = new Backoff();
        while (!isGone(handle)) {
            if (System.nanoTime() - deadline > 0) {
                throw notGone(handle.pid());
            }
            backoff.pause();
        }
    }

    private static IllegalStateException notGone(long pid) {
        return new IllegalStateException(
                "process " + pid + " did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of SIGKILL");
    }

    /**
     * Whether a process has exited. An orphan that exited but was not reaped yet (a zombie) counts as
     * gone: it holds no port, file or memory any more.
     */
    static boolean isGone(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
            int afterName = stat.lastIndexOf(')');
            return afterName >= 0 && afterName + 2 < stat.length() && stat.charAt(afterName + 2) == 'Z';
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
