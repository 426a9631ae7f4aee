package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Fan-out under load over one store: 64 SSE readers and 64 long-polling readers, all with distinct
 * names, on one stream; fast appends from four connections, then complete; 20 trials. Every reader
 * gets every message in order, exactly once, and then the end, in every trial. An idle SSE reader
 * gets keep-alive comments at the configured interval.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FanOutStressContract {

    static final int TRIALS = 20;
    static final int READERS = 64;
    static final int MESSAGES = 30;
    static final Duration KEEP_ALIVE = Duration.ofMillis(200);

    ServerFixture http;
    private ExecutorService threads;

    abstract String storeUri();

    /** SSE readers per trial, and as many long-polling readers. */
    int readersOfEachKind() {
        return READERS;
    }

    /** What the store runs on, closed after it. */
    List<AutoCloseable> engines() {
        return List.of();
    }

    @BeforeAll
    void start() {
        List<AutoCloseable> engines = engines();
        http = new ServerFixture(
                storeUri(),
                new Connections(
                        KEEP_ALIVE,
                        Connections.DEFAULT_MAX_CONNECTIONS,
                        Connections.DEFAULT_MAX_STREAMS,
                        Connections.DEFAULT_MAX_PENDING));
        http.closeAfter.addAll(engines);
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    void stop() {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (http != null) {
            http.close();
        }
    }

    /** What one long-polling reader got. */
    private static final class Poller {
        final String name;
        final List<Long> sequences = new ArrayList<>();
        final List<String> payloads = new ArrayList<>();
        String end;

        Poller(String name) {
            this.name = name;
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyReaderGetsEveryMessageInOrderOnceAndTheEnd() throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) {
            trial(trial);
        }
    }

    private void trial(int trial) throws Exception {
        String id = "fan-out-" + trial + "-" + System.nanoTime();
        assertThat(http.post("/api/streams/" + id + "?ttl=600", null).status()).isEqualTo(201);
        Map<Long, String> sent = new ConcurrentHashMap<>();
        try (SseFanOut sse = new SseFanOut(http.server.port(), id, "sse-", readersOfEachKind(), threads)) {
            List<Future<Poller>> pollers = new ArrayList<>();
            for (int i = 0; i < readersOfEachKind(); i++) {
                Poller p = new Poller("poll-" + i);
                pollers.add(threads.submit(() -> longPoll(id, p)));
            }
            AtomicInteger counter = new AtomicInteger();
            List<Future<?>> appenders = new ArrayList<>();
            for (int a = 0; a < 4; a++) {
                appenders.add(threads.submit(() -> {
                    while (counter.incrementAndGet() <= MESSAGES) {
                        String payload = "t" + trial + "-" + Long.toHexString(System.nanoTime());
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
            assertThat(sent).hasSize(MESSAGES);
            assertThat(http.post("/api/streams/" + id + "/complete", null).status())
                    .isEqualTo(200);
            sse.awaitAll(10_000, 60_000);
            sse.assertComplete(MESSAGES, i -> sent.get((long) i));
            for (Future<Poller> f : pollers) {
                Poller p = f.get(60, TimeUnit.SECONDS);
                assertThat(p.end).as("trial %d reader %s end", trial, p.name).isEqualTo("COMPLETED");
                assertThat(p.sequences)
                        .as("trial %d reader %s sequences", trial, p.name)
                        .isEqualTo(LongStream.rangeClosed(1, MESSAGES).boxed().toList());
                for (int i = 0; i < MESSAGES; i++) {
                    assertThat(p.payloads.get(i))
                            .as("trial %d reader %s payload %d", trial, p.name, i + 1)
                            .isEqualTo(sent.get((long) i + 1));
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (http.server.admission().streams() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(http.server.admission().streams())
                .as("streaming places after trial %d", trial)
                .isZero();
    }

    private Poller longPoll(String id, Poller p) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (LongPollClient client = new LongPollClient(http.server.port())) {
            while (System.nanoTime() < deadline) {
                LongPollClient.Answer r = client.get("/api/streams/" + id + "/next?reader=" + p.name + "&wait=10000");
                assertThat(r.status()).as("next for %s: %s", p.name, r).isEqualTo(200);
                JsonNode d = r.json().path("data");
                JsonNode m = d.path("message");
                if (!m.isNull()) {
                    p.sequences.add(m.path("sequence").asLong());
                    p.payloads.add(m.path("payload").asText());
                } else if (d.path("ended").asBoolean()) {
                    p.end = d.path("status").asText();
                    return p;
                }
            }
        }
        throw new AssertionError("reader " + p.name + " not done within 60 s, at " + p.sequences.size());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void idleReaderGetsKeepAlivesAtTheInterval() throws Exception {
        String id = "idle-" + System.nanoTime();
        assertThat(http.post("/api/streams/" + id + "?ttl=600", null).status()).isEqualTo(201);
        try (SseFanOut sse = new SseFanOut(http.server.port(), id, "idle-", 1, threads)) {
            SseClient client = sse.readers.get(0).client;
            long interval = KEEP_ALIVE.toNanos();
            long start = System.nanoTime();
            while (client.keepAlives().size() < 8 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15)) {
                Thread.sleep(20);
            }
            List<Long> at = client.keepAlives();
            assertThat(at).as("keep-alive comments in 15 s").hasSizeGreaterThanOrEqualTo(8);
            for (int i = 1; i < at.size(); i++) {
                long gap = at.get(i) - at.get(i - 1);
                assertThat(gap)
                        .as("gap %d between keep-alives, ns", i)
                        .isGreaterThanOrEqualTo(interval * 3 / 4)
                        .isLessThan(interval * 8);
            }
            assertThat(sse.readers.get(0).count()).isZero();
            assertThat(http.post("/api/streams/" + id + "/complete", null).status())
                    .isEqualTo(200);
            sse.awaitAll(5_000, 10_000);
            assertThat(sse.readers.get(0).end).isEqualTo("end {\"status\":\"COMPLETED\"}");
        }
    }
}
