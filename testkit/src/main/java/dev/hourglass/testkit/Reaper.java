package dev.hourglass.testkit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One JVM shutdown hook that kills the servers a test run left behind and deletes their files. */
final class Reaper {

  private static final Set<Runnable> TASKS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Reaper::runAll, "hourglass-testkit-reaper"));
  }

  private Reaper() {}

  static void register(Runnable task) {
    TASKS.add(task);
  }

  static void unregister(Runnable task) {
    TASKS.remove(task);
  }

  private static void runAll() {
    for (Runnable task : TASKS) {
      try {
        task.run();
      } catch (RuntimeException e) {
        System.err.println("hourglass-testkit: cleanup at JVM exit failed: " + e);
      }
    }
  }
}
