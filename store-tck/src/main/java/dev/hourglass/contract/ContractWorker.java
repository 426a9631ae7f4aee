package dev.hourglass.contract;

import dev.hourglass.Hourglass;
import dev.hourglass.Poll;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The second JVM's side of {@link CrossProcessContract}: opens the store at a URI and runs one
 * workload, printing one result per line ("ready" once the store is open).
 *
 * <pre>
 * increment URI SESSION THREADS COUNT   -> prints "done"
 * read URI STREAM READER THREADS        -> prints each taken sequence number, then "done"
 * take-drop URI STREAM READER THREADS   -> sets session STREAM-ready, then prints "t n" for each message
 *                                          processed, "d n" for each dropped, then "done"
 * create URI ID NAME                    -> prints "won" or "lost"
 * </pre>
 */
public final class ContractWorker {

    private ContractWorker() {}

    public static void main(String[] args) throws Exception {
        String command = args[0];
        String uri = args[1];
        StoreOptions options = StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .build();
        try (Store store = Hourglass.open(uri, options)) {
            System.out.println("ready");
            System.out.flush();
            switch (command) {
                case "increment" -> increment(store, args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "read" -> read(store, args[2], args[3], Integer.parseInt(args[4]));
                case "take" -> take(store, args[2], args[3], Integer.parseInt(args[4]));
                case "take-and-hang" -> takeAndHang(store, args[2], args[3], Long.parseLong(args[4]));
                case "take-drop" -> takeDrop(store, args[2], args[3], Integer.parseInt(args[4]));
                case "create" ->
                    System.out.println(
                            store.sessions()
                                            .createIfAbsent(
                                                    args[2],
                                                    dev.hourglass.Attributes.strings(
                                                            java.util.Map.of("winner", args[3])),
                                                    Duration.ofHours(1))
                                            .isPresent()
                                    ? "won"
                                    : "lost");
                default -> throw new IllegalArgumentException("unknown command " + command);
            }
            System.out.println("done");
            System.out.flush();
        }
    }

    private static void increment(Store store, String id, int threads, int count) throws Exception {
        runThreads(threads, () -> {
            for (int i = 0; i < count; i++) {
                store.sessions()
                        .update(id, a -> a.with("n", a.getLong("n", 0) + 1))
                        .orElseThrow();
            }
            return null;
        });
    }

    private static void read(Store store, String stream, String reader, int threads) throws Exception {
        StringBuffer out = new StringBuffer();
        runThreads(threads, () -> {
            while (true) {
                Poll p = store.streams()
                        .next(stream, reader, Duration.ofSeconds(2))
                        .orElseThrow();
                if (p.message().isPresent()) {
                    synchronized (out) {
                        out.append(p.message().get().sequence()).append('\n');
                    }
                } else if (p.ended()) {
                    return null;
                }
            }
        });
        System.out.print(out);
    }

    private static void take(Store store, String stream, String reader, int threads) throws Exception {
        StringBuffer out = new StringBuffer();
        runThreads(threads, () -> {
            while (true) {
                Poll p = store.streams()
                        .takeAsync(stream, reader, Duration.ofSeconds(30), Duration.ofSeconds(2))
                        .toCompletableFuture()
                        .get(1, TimeUnit.MINUTES)
                        .orElseThrow();
                if (p.message().isPresent()) {
                    long s = p.message().get().sequence();
                    synchronized (out) {
                        out.append(s).append('\n');
                    }
                    if (!store.streams().ack(stream, reader, s)) {
                        throw new IllegalStateException("ack of " + s + " changed nothing");
                    }
                } else if (p.ended()) {
                    return null;
                }
            }
        });
        System.out.print(out);
    }

    private static void takeDrop(Store store, String stream, String reader, int threads) throws Exception {
        StringBuffer out = new StringBuffer();
        store.sessions().put(stream + "-ready", dev.hourglass.Attributes.empty(), Duration.ofHours(1));
        java.util.concurrent.atomic.AtomicInteger poller = new java.util.concurrent.atomic.AtomicInteger(100);
        runThreads(threads, () -> {
            takeWithDrops(store, stream, reader, poller.getAndIncrement(), line -> {
                synchronized (out) {
                    out.append(line).append('\n');
                }
            });
            return null;
        });
        System.out.print(out);
    }

    /** The lease of a take that will be dropped: its message goes to the next caller soon after. */
    static final Duration DROP_LEASE = Duration.ofMillis(100);

    /**
     * One poller of a stream until its end, under {@code reader}: every {@code 8 + poller % 5}th take
     * is dropped (asked with a {@link #DROP_LEASE} lease and never acknowledged, as by a poller that
     * dies), every other one is processed under a lease of a minute and acknowledged, which must
     * succeed. Reports "t n" for each message processed and "d n" for each dropped.
     */
    static void takeWithDrops(
            Store store, String stream, String reader, int poller, java.util.function.Consumer<String> report)
            throws Exception {
        int every = 8 + poller % 5;
        for (int take = 1; ; take++) {
            boolean drop = take % every == 0;
            Poll p = store.streams()
                    .takeAsync(stream, reader, drop ? DROP_LEASE : Duration.ofMinutes(1), Duration.ofSeconds(2))
                    .toCompletableFuture()
                    .get(1, TimeUnit.MINUTES)
                    .orElseThrow();
            if (p.message().isEmpty()) {
                if (p.ended()) {
                    return;
                }
                take--;
                continue;
            }
            long s = p.message().get().sequence();
            if (drop) {
                report.accept("d " + s);
                continue;
            }
            report.accept("t " + s);
            if (!store.streams().ack(stream, reader, s)) {
                throw new IllegalStateException("poller " + poller + ": ack of " + s + " under a live lease failed");
            }
        }
    }

    /** Takes one message under a lease and never acknowledges it: the process waits to be killed. */
    private static void takeAndHang(Store store, String stream, String reader, long leaseMillis) throws Exception {
        Poll p = store.streams()
                .takeAsync(stream, reader, Duration.ofMillis(leaseMillis), Duration.ofSeconds(30))
                .toCompletableFuture()
                .get(1, TimeUnit.MINUTES)
                .orElseThrow();
        if (p.message().isPresent()) {
            store.sessions().put(stream + "-taken", dev.hourglass.Attributes.empty(), Duration.ofHours(1));
        }
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }

    private static void runThreads(int threads, java.util.concurrent.Callable<Void> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Void>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(body));
            }
            for (Future<Void> f : fs) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
