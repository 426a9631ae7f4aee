package dev.hourglass.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Four threads of mixed calls on one store while a test fails Redis over or moves slots: session
 * writes (each to a new id, so a lost write shows as a missing session), stream appends and
 * at-most-once reads on a stream per thread, and takes from one quota. It records what the store
 * acknowledged, how long each call took and when calls failed, and then counts what Redis lost.
 */
final class FailoverLoad implements AutoCloseable {

    static final int THREADS = 4;
    static final String READER = "reader";
    private static final Duration TTL = Duration.ofHours(1);
    private static final long FAILURE_PAUSE_MILLIS = 2;
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final Store store;
    private final String tag;
    private final Quota quota;
    private final String quotaKey;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Set<String> ackedSessions = ConcurrentHashMap.newKeySet();
    private final List<Map<Long, String>> ackedAppends = new ArrayList<>();
    private final List<ConcurrentLinkedQueue<String>> delivered = new ArrayList<>();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final AtomicReference<String> slowestKind = new AtomicReference<>("none");
    private final AtomicLong firstFailure = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastFailure = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReference<Throwable> unexpected = new AtomicReference<>();

    /**
     * Opens a stream per thread and starts the threads.
     *
     * @param tag distinguishes this load's ids from another's on the same Redis
     * @param quotaLimit how many takes the quota admits in all
     */
    FailoverLoad(Store store, String tag, long quotaLimit) {
        this.store = store;
        this.tag = tag;
        this.quota = Quota.rolling("failover", quotaLimit, Duration.ofHours(1));
        this.quotaKey = tag + "-quota";
        for (int t = 0; t < THREADS; t++) {
            String stream = stream(t);
            settled(() -> store.streams().open(stream, Attributes.empty(), TTL));
            ackedAppends.add(new ConcurrentHashMap<>());
            delivered.add(new ConcurrentLinkedQueue<>());
        }
    }

    String stream(int thread) {
        return tag + "-stream-" + thread;
    }

    void start() {
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread worker = new Thread(() -> run(thread), "failover-load-" + t);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
    }

    private void run(int thread) {
        long i = 0;
        while (running.get()) {
            i++;
            String id = tag + "-" + thread + "-" + i;
            long start = System.nanoTime();
            try {
                switch ((int) (i % 5)) {
                    case 0, 1 -> {
                        store.sessions().put(id, Attributes.strings(Map.of("v", id)), TTL);
                        ackedSessions.add(id);
                    }
                    case 2 -> {
                        long seq = store.streams().append(stream(thread), id.getBytes(UTF_8));
                        ackedAppends.get(thread).put(seq, id);
                    }
                    case 3 -> {
                        Optional<Poll> poll = store.streams().next(stream(thread), READER);
                        poll.flatMap(Poll::message)
                                .ifPresent(m -> delivered.get(thread).add(new String(m.payload(), UTF_8)));
                    }
                    default -> {
                        RateDecision d = store.limiters().take(quota, quotaKey);
                        if (d.admitted()) {
                            admitted.incrementAndGet();
                        }
                    }
                }
                ok.incrementAndGet();
            } catch (StoreUnavailableException e) {
                unavailable.incrementAndGet();
                long now = System.nanoTime();
                firstFailure.accumulateAndGet(now, Math::min);
                lastFailure.accumulateAndGet(now, Math::max);
                record(i, now - start);
                pauseAfterFailure();
                continue;
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            }
            record(i, System.nanoTime() - start);
        }
    }

    private static final String[] KINDS = {"put", "put", "append", "next", "take"};

    private void record(long i, long nanos) {
        if (slowestNanos.accumulateAndGet(nanos, Math::max) == nanos) {
            slowestKind.set(KINDS[(int) (i % 5)]);
        }
    }

    /** What the slowest call was: put, append, next or take. */
    String slowestKind() {
        return slowestKind.get();
    }

    /** A client backs off a little before it tries again (and leaves the CPU to the servers meanwhile). */
    private static void pauseAfterFailure() {
        try {
            Thread.sleep(FAILURE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long ok() {
        return ok.get();
    }

    long unavailable() {
        return unavailable.get();
    }

    /** Waits until {@code more} further calls succeeded, or {@code timeout} passed. */
    void awaitSuccesses(long more, Duration timeout) throws InterruptedException {
        long target = ok.get() + more;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ok.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    /** Stops the threads and waits for them. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    Throwable unexpected() {
        return unexpected.get();
    }

    long slowestMillis() {
        return TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    }

    /** The {@link System#nanoTime()} of the last failed call, or {@link Long#MIN_VALUE}. */
    long lastFailureNanos() {
        return lastFailure.get();
    }

    /** The {@link System#nanoTime()} of the first failed call, or {@link Long#MAX_VALUE}. */
    long firstFailureNanos() {
        return firstFailure.get();
    }

    int acknowledgedSessions() {
        return ackedSessions.size();
    }

    /** Acknowledged session writes that the store no longer has, as written. */
    int lostSessions() {
        List<String> ids = new ArrayList<>(ackedSessions);
        int lost = 0;
        for (int from = 0; from < ids.size(); from += 200) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 200));
            Map<String, Session> found = settled(() -> store.sessions().getAll(chunk));
            for (String id : chunk) {
                Session s = found.get(id);
                if (s == null || !id.equals(s.attributes().getString("v"))) {
                    lost++;
                }
            }
        }
        return lost;
    }

    int acknowledgedAppends() {
        return ackedAppends.stream().mapToInt(Map::size).sum();
    }

    /** Acknowledged appends that the stream no longer holds at their sequence number. */
    int lostAppends() {
        int lost = 0;
        for (int t = 0; t < THREADS; t++) {
            Map<Long, String> stored = new HashMap<>();
            long after = 0;
            while (true) {
                String stream = stream(t);
                long from = after;
                Batch b =
                        settled(() -> store.streams().read(stream, from, 1_000)).orElseThrow();
                for (Message m : b.messages()) {
                    stored.put(m.sequence(), new String(m.payload(), UTF_8));
                    after = m.sequence();
                }
                if (b.messages().isEmpty()) {
                    break;
                }
            }
            for (Map.Entry<Long, String> e : ackedAppends.get(t).entrySet()) {
                if (!e.getValue().equals(stored.get(e.getKey()))) {
                    lost++;
                }
            }
        }
        return lost;
    }

    int deliveries() {
        return delivered.stream().mapToInt(ConcurrentLinkedQueue::size).sum();
    }

    /** Messages that {@code next} handed out more than once. */
    int duplicateDeliveries() {
        int duplicates = 0;
        for (ConcurrentLinkedQueue<String> d : delivered) {
            Set<String> seen = new HashSet<>();
            for (String payload : d) {
                if (!seen.add(payload)) {
                    duplicates++;
                }
            }
        }
        return duplicates;
    }

    /**
     * Takes the rest of the quota and returns how many takes it admitted in all beyond its limit:
     * above zero when Redis forgot admissions it had acknowledged.
     */
    long overAdmitted() {
        long total = admitted.get();
        while (true) {
            RateDecision d = settled(() -> store.limiters().take(quota, quotaKey));
            if (!d.admitted()) {
                break;
            }
            total++;
            if (d.remaining() > 0) {
                RateDecision rest = settled(() -> store.limiters().take(quota, quotaKey, d.remaining()));
                if (rest.admitted()) {
                    total += d.remaining();
                }
            }
        }
        return Math.max(0, total - quota.limit());
    }

    /**
     * Runs a call of the set-up or of the checks after the load, again while it fails as unavailable
     * (for at most {@link #SETTLE}): clients learn a new topology a moment after the servers, and a
     * replica that just synced may confirm its first write late on a busy machine.
     */
    private static <T> T settled(Supplier<T> call) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pauseAfterFailure();
            }
        }
    }

    long admitted() {
        return admitted.get();
    }
}
