package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Streams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Regression tests for SSE readers that stopped for ever: the chain of poll, write and timer of a
 * connection was lost when a timer was armed from a worker thread just as the IO thread went to sleep
 * with no timer of its own. A reader that gets no byte for 3 s before its end has stalled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SseStallTest {

    private static final long STALL_MS = 3_000;

    private ServerFixture http;
    private ExecutorService threads;

    @BeforeAll
    void start() {
        http = new ServerFixture("memory:");
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    void stop() {
        threads.shutdownNow();
        http.close();
    }

    private String open() {
        String id = "fan-" + System.nanoTime();
        assertThat(http.store.streams().open(id, Attributes.empty(), Duration.ofMinutes(10)))
                .isTrue();
        return id;
    }

    /**
     * The case as reported: 16 readers with distinct names, 2,000 appends over HTTP from four
     * connections as fast as the server takes them, then complete.
     */
    @RepeatedTest(5)
    @Order(2)
    void fanOutOfFastAppends() throws Exception {
        String id = open();
        int messages = 2_000;
        Map<Long, String> sent = new ConcurrentHashMap<>();
        try (SseFanOut fan = new SseFanOut(http.server.port(), id, "r", 16, threads)) {
            AtomicInteger counter = new AtomicInteger();
            List<Future<?>> appenders = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                appenders.add(threads.submit(() -> {
                    int i;
                    while ((i = counter.incrementAndGet()) <= messages) {
                        String payload = "m" + i;
                        ServerFixture.Response r = http.post("/api/streams/" + id + "/messages", payload);
                        assertThat(r.status()).as("append %s", r).isEqualTo(200);
                        sent.put(r.data().path("sequence").asLong(), payload);
                    }
                    return null;
                }));
            }
            for (Future<?> f : appenders) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(http.post("/api/streams/" + id + "/complete", null).status())
                    .isEqualTo(200);
            fan.awaitAll(STALL_MS, 60_000);
            fan.assertComplete(messages, i -> sent.get((long) i));
        }
    }

    /**
     * Two readers of a fresh, quiet server, one message at a time straight into the store, so that
     * nothing but the readers' own timers wakes the IO threads: each message and the end must arrive.
     * Before the fix a reader stopped for good in about 3 runs of 5 of 100 messages.
     */
    @RepeatedTest(2)
    @Order(1)
    void quietServerTrickle() throws Exception {
        try (ServerFixture quiet = new ServerFixture("memory:")) {
            trickle(quiet);
        }
    }

    private void trickle(ServerFixture quiet) throws Exception {
        String id = "quiet";
        Streams streams = quiet.store.streams();
        assertThat(streams.open(id, Attributes.empty(), Duration.ofMinutes(10))).isTrue();
        int messages = 150;
        try (SseFanOut fan = new SseFanOut(quiet.server.port(), id, "q", 2, threads)) {
            for (int i = 1; i <= messages; i++) {
                streams.append(id, ("m" + i).getBytes(StandardCharsets.UTF_8));
                Thread.sleep(20);
                for (SseFanOut.Reader r : fan.readers) {
                    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
                    while (r.count() < i) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError(
                                    "message " + i + " did not arrive within " + STALL_MS + " ms: " + fan.readers);
                        }
                        Thread.sleep(1);
                    }
                }
            }
            streams.complete(id);
            fan.awaitAll(STALL_MS, 30_000);
            fan.assertComplete(messages, i -> "m" + i);
        }
    }
}
