package dev.hourglass.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine under a store stops in the middle of a load and comes back. While it is away every
 * call fails with {@link StoreUnavailableException} within the store's timeout (never hangs, never
 * another exception); once it is back calls succeed again on the same store, without reopening it.
 * A backend that declares {@link Capability#PERSISTENT} also keeps what was acknowledged before
 * the stop; one that does not is not asked to.
 *
 * <p>A backend's test extends this class and starts its private engine in {@link #startEngine()}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class OutageContract {

    private static final int THREADS = 4;

    /**
     * Starts a private engine that this test may stop and restart.
     *
     * @return the running engine; the suite closes it
     */
    protected abstract EngineControl startEngine();

    /**
     * The store timeout the case runs with; failures must arrive within it plus {@link #slack()}.
     *
     * @return the timeout, 2 s unless a backend needs another
     */
    protected Duration timeout() {
        return Duration.ofSeconds(2);
    }

    /**
     * Scheduling slack on top of {@link #timeout()} that a loaded machine needs.
     *
     * @return the slack, 1.5 s unless a backend needs another
     */
    protected Duration slack() {
        return Duration.ofMillis(1_500);
    }

    @Test
    void callsFailFastWhileTheEngineIsDownAndSucceedAgainOnTheSameStore() throws Exception {
        Duration timeout = timeout();
        long boundNanos = timeout.plus(slack()).toNanos();
        StoreOptions options =
                StoreOptions.builder().timeout(timeout).sweeperAutoStart(false).build();
        try (EngineControl engine = startEngine();
                Store store = Hourglass.open(engine.storeUri(), options)) {
            Session kept = store.sessions().put("kept", Attributes.strings(Map.of("a", "1")), Duration.ofHours(1));
            store.streams().open("kept-stream", Attributes.empty(), Duration.ofHours(1));
            store.streams().append("kept-stream", "before".getBytes(StandardCharsets.UTF_8));

            AtomicBoolean running = new AtomicBoolean(true);
            LongAdder ok = new LongAdder();
            LongAdder unavailable = new LongAdder();
            AtomicLong slowest = new AtomicLong();
            AtomicLong lastOk = new AtomicLong();
            Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Thread th = new Thread(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (running.get()) {
                        String id = "load-" + r.nextInt(1_000);
                        long t0 = System.nanoTime();
                        try {
                            if (r.nextBoolean()) {
                                store.sessions().put(id, Attributes.strings(Map.of("v", id)), Duration.ofHours(1));
                            } else {
                                store.sessions().get(id);
                            }
                            ok.increment();
                            lastOk.set(System.nanoTime());
                        } catch (StoreUnavailableException e) {
                            unavailable.increment();
                            pause(20);
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                        slowest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    }
                });
                th.setDaemon(true);
                th.start();
                threads.add(th);
            }
            try {
                pause(500);
                assertThat(ok.sum()).as("calls before the stop").isPositive();

                engine.stop();
                long okAtStop = ok.sum();
                pause(timeout.toMillis() + 1_500);
                assertThat(unavailable.sum())
                        .as("calls failed as unavailable while the engine was down")
                        .isPositive();
                assertThat(ok.sum() - okAtStop)
                        .as("at most the calls in flight at the stop succeeded")
                        .isLessThanOrEqualTo(THREADS);
                long healthStart = System.nanoTime();
                assertThat(store.isHealthy()).as("healthy while down").isFalse();
                assertThat(System.nanoTime() - healthStart)
                        .as("the health check answers within the timeout")
                        .isLessThan(boundNanos);

                engine.restart();
                long restarted = System.nanoTime();
                while (lastOk.get() < restarted && System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(30)) {
                    pause(50);
                }
                assertThat(lastOk.get())
                        .as("a call succeeded after the restart")
                        .isGreaterThan(restarted);
                long okAfterRecovery = ok.sum();
                pause(500);
                assertThat(ok.sum()).as("calls go on succeeding").isGreaterThan(okAfterRecovery);
            } finally {
                running.set(false);
                for (Thread th : threads) {
                    th.join(10_000);
                }
            }
            assertThat(unexpected)
                    .as("exceptions other than StoreUnavailableException")
                    .isEmpty();
            assertThat(slowest.get())
                    .as("the slowest call in ns, bound %s + %s", timeout, slack())
                    .isLessThan(boundNanos);
            assertThat(store.isHealthy()).isTrue();

            Session after = store.sessions().put("after", Attributes.strings(Map.of("a", "2")), Duration.ofHours(1));
            assertThat(store.sessions().get("after")).map(Session::version).contains(after.version());
            if (store.capabilities().contains(Capability.PERSISTENT)) {
                assertThat(store.sessions().get("kept"))
                        .as("a persistent engine keeps what it acknowledged before the stop")
                        .map(Session::version)
                        .contains(kept.version());
                assertThat(store.streams()
                                .read("kept-stream", 0, 10)
                                .orElseThrow()
                                .messages())
                        .singleElement()
                        .satisfies(m -> assertThat(new String(m.payload(), StandardCharsets.UTF_8))
                                .isEqualTo("before"));
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
