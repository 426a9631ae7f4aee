package dev.hourglass.testkit;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JVM shutdown hook that kills the processes a test run left running, then deletes the files
 * they left behind.
 */
final class Reaper {

    private static final Set<Runnable> KILLS = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DELETES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reap, "hourglass-testkit-reaper"));
    }

    private Reaper() {}

    static void killAtExit(Runnable kill) {
        KILLS.add(kill);
    }

    static void forgetKill(Runnable kill) {
        KILLS.remove(kill);
    }

    static void deleteAtExit(Path path) {
        DELETES.add(path);
    }

    static void forgetDelete(Path path) {
        DELETES.remove(path);
    }

    private static void reap() {
        for (Runnable kill : KILLS) {
            try {
                kill.run();
            } catch (RuntimeException e) {
                System.err.println("hourglass-testkit: cannot kill a server at JVM exit: " + e);
            }
        }
        DELETES.forEach(Dirs::deleteQuietly);
    }
}
