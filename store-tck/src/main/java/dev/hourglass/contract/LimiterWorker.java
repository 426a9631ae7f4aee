package dev.hourglass.contract;

import dev.hourglass.Hourglass;
import dev.hourglass.Permit;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The second JVM of {@link LimiterCrossProcessContract}: {@code take <uri> <name> <limit> <threads>
 * <attempts>} takes from a rolling quota and prints how many were admitted; {@code hold <uri> <name>
 * <max> <leaseMs> <key> <file>} acquires a permit, writes its id and lease end to the file, and
 * waits to be killed.
 */
public final class LimiterWorker {

    private LimiterWorker() {}

    public static void main(String[] args) throws Exception {
        StoreOptions options = StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .build();
        try (Store store = Hourglass.open(args[1], options)) {
            System.out.println("ready");
            System.out.flush();
            switch (args[0]) {
                case "take" ->
                    take(
                            store,
                            Quota.rolling(args[2], Long.parseLong(args[3]), Duration.ofHours(1)),
                            Integer.parseInt(args[4]),
                            Integer.parseInt(args[5]));
                case "hold" ->
                    hold(
                            store,
                            Permits.of(args[2], Long.parseLong(args[3]), Duration.ofMillis(Long.parseLong(args[4]))),
                            args[5],
                            java.nio.file.Path.of(args[6]));
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
            System.out.println("done");
            System.out.flush();
        }
    }

    private static void take(Store store, Quota quota, int threads, int attempts) throws Exception {
        AtomicLong admitted = new AtomicLong();
        List<Thread> all = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < attempts; i++) {
                    if (store.limiters().take(quota, "shared").admitted()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            th.setUncaughtExceptionHandler((x, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            all.add(th);
            th.start();
        }
        for (Thread th : all) {
            th.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a taking thread failed", failures.get(0));
        }
        System.out.println("admitted " + admitted.get());
    }

    private static void hold(Store store, Permits permits, String key, java.nio.file.Path file) throws Exception {
        Permit p = store.limiters().acquire(permits, key).permit().orElseThrow();
        java.nio.file.Path part = file.resolveSibling(file.getFileName() + ".part");
        java.nio.file.Files.writeString(part, p.id() + " " + p.leaseEndsAt().toEpochMilli());
        java.nio.file.Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.sleep(Duration.ofMinutes(10).toMillis());
    }
}
