package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourglass.server.ServerFixture.Response;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The stream endpoints, long polls and Server-Sent Events, over real HTTP against one store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StreamEndpointsContract {

    ServerFixture http;

    abstract String storeUri();

    /** What the store runs on, closed after it. */
    List<AutoCloseable> engines() {
        return List.of();
    }

    @BeforeAll
    void start() {
        List<AutoCloseable> engines = engines();
        http = new ServerFixture(storeUri());
        http.closeAfter.addAll(engines);
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    static String uniqueId() {
        return "reply-" + UUID.randomUUID();
    }

    String open() {
        String id = uniqueId();
        assertThat(http.post("/api/streams/" + id, null).status()).isEqualTo(201);
        return id;
    }

    long append(String id, String text) {
        Response r = http.post("/api/streams/" + id + "/messages", text);
        assertThat(r.status()).as("append %s", r).isEqualTo(200);
        return r.data().path("sequence").asLong();
    }

    @Test
    void openAppendReadCompleteAndState() {
        String id = uniqueId();
        Response opened = http.post("/api/streams/" + id + "?ttl=600", "{\"user\":\"u1\",\"turn\":3}");
        assertThat(opened.status()).isEqualTo(201);
        assertThat(opened.data().path("status").asText()).isEqualTo("OPEN");
        assertThat(http.post("/api/streams/" + id, null).status()).isEqualTo(409);

        assertThat(append(id, "Hel")).isEqualTo(1);
        assertThat(append(id, "lo\nworld")).isEqualTo(2);

        Response first = http.get("/api/streams/" + id + "/next?reader=relay");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.data().path("message").path("sequence").asLong()).isEqualTo(1);
        assertThat(first.data().path("message").path("payload").asText()).isEqualTo("Hel");
        assertThat(first.data().path("status").asText()).isEqualTo("OPEN");
        assertThat(first.data().path("ended").asBoolean()).isFalse();
        assertThat(http.get("/api/streams/" + id + "/next?reader=relay")
                        .data()
                        .path("message")
                        .path("payload")
                        .asText())
                .isEqualTo("lo\nworld");
        Response none = http.get("/api/streams/" + id + "/next?reader=relay");
        assertThat(none.data().path("message").isNull()).isTrue();
        assertThat(none.data().path("ended").asBoolean()).isFalse();

        assertThat(http.get("/api/streams/" + id + "/next?reader=other")
                        .data()
                        .path("message")
                        .path("sequence")
                        .asLong())
                .isEqualTo(1);

        Response completed = http.post("/api/streams/" + id + "/complete", null);
        assertThat(completed.status()).isEqualTo(200);
        assertThat(completed.data().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(http.post("/api/streams/" + id + "/complete", null).status()).isEqualTo(409);
        Response rejected = http.post("/api/streams/" + id + "/messages", "late");
        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.error()).contains("COMPLETED");

        Response end = http.get("/api/streams/" + id + "/next?reader=relay");
        assertThat(end.data().path("message").isNull()).isTrue();
        assertThat(end.data().path("ended").asBoolean()).isTrue();
        assertThat(end.data().path("status").asText()).isEqualTo("COMPLETED");

        Response state = http.get("/api/streams/" + id);
        assertThat(state.status()).isEqualTo(200);
        JsonNode s = state.data();
        assertThat(s.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(s.path("messageCount").asLong()).isEqualTo(2);
        assertThat(s.path("markers").path("relay").asLong()).isEqualTo(2);
        assertThat(s.path("markers").path("other").asLong()).isEqualTo(1);
        assertThat(s.path("metadata").toString()).isEqualTo("{\"user\":\"u1\",\"turn\":3}");

        assertThat(http.delete("/api/streams/" + id).status()).isEqualTo(200);
        assertThat(http.get("/api/streams/" + id).status()).isEqualTo(404);
        assertThat(http.delete("/api/streams/" + id).status()).isEqualTo(404);
        assertThat(http.get("/api/streams/" + id + "/next?reader=relay").status())
                .isEqualTo(404);
    }

    @Test
    void failRecordsTheReason() {
        String id = open();
        append(id, "partial");
        Response failed = http.post("/api/streams/" + id + "/fail", "{\"reason\":\"upstream timed out\"}");
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.data().path("status").asText()).isEqualTo("FAILED");
        assertThat(http.post("/api/streams/" + id + "/fail", "{\"reason\":\"again\"}")
                        .status())
                .isEqualTo(409);
        Response state = http.get("/api/streams/" + id);
        assertThat(state.data().path("failureReason").asText()).isEqualTo("upstream timed out");
        http.get("/api/streams/" + id + "/next?reader=r");
        Response end = http.get("/api/streams/" + id + "/next?reader=r");
        assertThat(end.data().path("ended").asBoolean()).isTrue();
        assertThat(end.data().path("failureReason").asText()).isEqualTo("upstream timed out");
        assertThat(http.post("/api/streams/" + uniqueId() + "/fail", "{\"reason\":\"x\"}")
                        .status())
                .isEqualTo(404);
        assertThat(http.post("/api/streams/" + uniqueId() + "/complete", null).status())
                .isEqualTo(404);
        assertThat(http.post("/api/streams/" + uniqueId() + "/messages", "x").status())
                .isEqualTo(404);
    }

    @Test
    void streamsExpireAfterTheirTtl() {
        String id = uniqueId();
        http.post("/api/streams/" + id, null);
        http.clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(http.get("/api/streams/" + id).status()).isEqualTo(200);
        http.clock.advance(Duration.ofMillis(1));
        assertThat(http.get("/api/streams/" + id).status()).isEqualTo(404);
        String shortLived = uniqueId();
        http.post("/api/streams/" + shortLived + "?ttl=5", null);
        http.clock.advance(Duration.ofSeconds(5));
        assertThat(http.post("/api/streams/" + shortLived + "/messages", "x").status())
                .isEqualTo(404);
    }

    @Test
    void binaryPayloadsComeBackAsBase64() {
        String id = open();
        byte[] bytes = {(byte) 0xff, 0, (byte) 0xc3, 0x28};
        Response r =
                http.send("POST", "/api/streams/" + id + "/messages", HttpRequest.BodyPublishers.ofByteArray(bytes));
        assertThat(r.status()).isEqualTo(200);
        JsonNode m = http.get("/api/streams/" + id + "/next?reader=r").data().path("message");
        assertThat(m.has("payload")).isFalse();
        assertThat(java.util.Base64.getDecoder().decode(m.path("payloadBase64").asText()))
                .isEqualTo(bytes);
    }

    @Test
    void nextWithWaitAnswersWhenAMessageArrives() throws Exception {
        String id = open();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            sleep(300);
            append(id, "late chunk");
        });
        long start = System.nanoTime();
        Response r = http.get("/api/streams/" + id + "/next?reader=r&wait=5000");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        producer.get(5, TimeUnit.SECONDS);
        assertThat(r.data().path("message").path("payload").asText()).isEqualTo("late chunk");
        assertThat(ms).isBetween(250L, 4000L);

        start = System.nanoTime();
        Response empty = http.get("/api/streams/" + id + "/next?reader=r&wait=300");
        ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(empty.data().path("message").isNull()).isTrue();
        assertThat(ms).isGreaterThanOrEqualTo(290L);

        http.post("/api/streams/" + id + "/complete", null);
        start = System.nanoTime();
        Response ended = http.get("/api/streams/" + id + "/next?reader=r&wait=10000");
        assertThat(ended.data().path("ended").asBoolean()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000L);
    }

    @Test
    void everyMessageReachesEachReaderExactlyOnceAcrossConcurrentPolls() throws Exception {
        String id = open();
        int messages = 200;
        for (int i = 1; i <= messages; i++) {
            append(id, "m" + i);
        }
        http.post("/api/streams/" + id + "/complete", null);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    while (true) {
                        JsonNode d = http.get("/api/streams/" + id + "/next?reader=shared&wait=100")
                                .data();
                        if (d.path("ended").asBoolean()) {
                            return null;
                        }
                        if (!d.path("message").isNull()) {
                            seen.add(d.path("message").path("sequence").asLong());
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(messages).doesNotHaveDuplicates();
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        Stream.iterate(1L, i -> i + 1).limit(messages).toList());
    }

    // ---- Server-Sent Events -------------------------------------------------------------------

    /** Lines of an event-stream response, read as they arrive. */
    final class EventStream implements AutoCloseable {
        final HttpResponse<Stream<String>> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> finished;

        EventStream(String path) throws Exception {
            this(path, null);
        }

        EventStream(String path, String lastEventId) throws Exception {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(http.base + path)).GET();
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            HttpRequest request = b.build();
            response = http.client.send(request, HttpResponse.BodyHandlers.ofLines());
            finished = CompletableFuture.runAsync(() -> response.body().forEach(lines::add));
        }

        /** The next event's fields (id, event, data joined by newlines), waiting up to 5 s. */
        List<String> nextEvent() throws InterruptedException {
            List<String> event = new ArrayList<>();
            StringBuilder data = null;
            while (true) {
                String line = lines.poll(5, TimeUnit.SECONDS);
                assertThat(line)
                        .as("an event line within 5 s; got so far %s", event)
                        .isNotNull();
                if (line.isEmpty()) {
                    if (event.isEmpty() && data == null) {
                        continue;
                    }
                    if (data != null) {
                        event.add("data=" + data);
                    }
                    return event;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                if (line.startsWith("data: ")) {
                    data = data == null
                            ? new StringBuilder(line.substring(6))
                            : data.append('\n').append(line.substring(6));
                } else {
                    int colon = line.indexOf(": ");
                    event.add(line.substring(0, colon) + "=" + line.substring(colon + 2));
                }
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    @Test
    void serverSentEventsArriveAsAppendedAndEndWithTheStream() throws Exception {
        String id = open();
        append(id, "before connect");
        try (EventStream events = new EventStream("/api/streams/" + id + "/events?reader=sse")) {
            assertThat(events.response.statusCode()).isEqualTo(200);
            assertThat(events.response.headers().firstValue("Content-Type").orElse(""))
                    .startsWith("text/event-stream");
            assertThat(events.nextEvent()).containsExactly("id=1", "event=message", "data=before connect");
            for (int i = 2; i <= 4; i++) {
                long seq = append(id, "chunk " + i);
                assertThat(events.nextEvent()).containsExactly("id=" + seq, "event=message", "data=chunk " + i);
            }
            append(id, "two\nlines\r\nthree");
            assertThat(events.nextEvent()).containsExactly("id=5", "event=message", "data=two\nlines\nthree");
            http.post("/api/streams/" + id + "/complete", null);
            assertThat(events.nextEvent()).containsExactly("event=end", "data={\"status\":\"COMPLETED\"}");
            events.finished.get(5, TimeUnit.SECONDS);
            assertThat(events.lines).isEmpty();
        }
        assertThat(http.get("/api/streams/" + id)
                        .data()
                        .path("markers")
                        .path("sse")
                        .asLong())
                .isEqualTo(5);
    }

    @Test
    void aReconnectingEventStreamResumesAfterTheLastEventItSaw() throws Exception {
        String id = open();
        for (int i = 1; i <= 3; i++) {
            append(id, "chunk " + i);
        }
        try (EventStream first = new EventStream("/api/streams/" + id + "/events?reader=browser&from=0")) {
            assertThat(first.nextEvent()).containsExactly("id=1", "event=message", "data=chunk 1");
            assertThat(first.nextEvent()).containsExactly("id=2", "event=message", "data=chunk 2");
        }
        // the browser saw event 2 and reconnects with its id, whatever the connection had taken after it
        try (EventStream again = new EventStream("/api/streams/" + id + "/events?reader=browser&from=0", "2")) {
            assertThat(again.nextEvent()).containsExactly("id=3", "event=message", "data=chunk 3");
            append(id, "chunk 4");
            assertThat(again.nextEvent()).containsExactly("id=4", "event=message", "data=chunk 4");
            http.post("/api/streams/" + id + "/complete", null);
            assertThat(again.nextEvent()).containsExactly("event=end", "data={\"status\":\"COMPLETED\"}");
            again.finished.get(5, TimeUnit.SECONDS);
        }
        try (EventStream from = new EventStream("/api/streams/" + id + "/events?reader=late&from=3")) {
            assertThat(from.nextEvent()).containsExactly("id=4", "event=message", "data=chunk 4");
            assertThat(from.nextEvent()).containsExactly("event=end", "data={\"status\":\"COMPLETED\"}");
        }
        assertThat(http.get("/api/streams/" + id).data().path("markers").has("browser"))
                .as("cursor reads touch no marker")
                .isFalse();
        assertThat(http.get("/api/streams/" + id + "/events?reader=r&from=x").status())
                .isEqualTo(400);
    }

    @Test
    void aLeasedMessageWhoseAnswerWasLostComesBackAfterTheLeaseAndAnAckTakesTheNext() throws Exception {
        String id = open();
        append(id, "first");
        append(id, "second");
        Response taken = http.get("/api/streams/" + id + "/next?reader=w&lease=400");
        assertThat(taken.data().path("message").path("sequence").asLong()).isEqualTo(1);
        // the client lost that answer; a second caller finds the message held
        Response held = http.get("/api/streams/" + id + "/next?reader=w&lease=400");
        assertThat(held.data().path("message").isNull()).isTrue();
        assertThat(held.data().path("heldUntil").isTextual()).isTrue();
        assertThat(held.data().path("ended").asBoolean()).isFalse();
        // once the lease is over, the next caller gets it again
        http.clock.advance(Duration.ofMillis(400));
        Response again = http.get("/api/streams/" + id + "/next?reader=w&lease=30000&wait=5000");
        assertThat(again.data().path("message").path("sequence").asLong()).isEqualTo(1);
        Response next = http.get("/api/streams/" + id + "/next?reader=w&lease=30000&ack=1");
        assertThat(next.data().path("acked").asBoolean()).isTrue();
        assertThat(next.data().path("message").path("sequence").asLong()).isEqualTo(2);
        Response late = http.get("/api/streams/" + id + "/next?reader=w&lease=30000&ack=1");
        assertThat(late.data().path("acked").asBoolean())
                .as("acknowledged twice")
                .isFalse();
        assertThat(late.data().path("message").isNull()).isTrue();
        for (String bad : new String[] {"lease=0", "lease=abc", "lease=3600001", "ack=0", "ack=-1"}) {
            Response r = http.get("/api/streams/" + id + "/next?reader=w&" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body()).contains(bad.substring(0, bad.indexOf('=')));
        }
    }

    @Test
    void serverSentEventsEndWithFailureOrWhenTheStreamGoes() throws Exception {
        String failed = open();
        try (EventStream events = new EventStream("/api/streams/" + failed + "/events?reader=sse")) {
            append(failed, "x");
            assertThat(events.nextEvent()).containsExactly("id=1", "event=message", "data=x");
            http.post("/api/streams/" + failed + "/fail", "{\"reason\":\"model error\"}");
            assertThat(events.nextEvent())
                    .containsExactly("event=end", "data={\"status\":\"FAILED\",\"reason\":\"model error\"}");
            events.finished.get(5, TimeUnit.SECONDS);
        }
        String deleted = open();
        try (EventStream events = new EventStream("/api/streams/" + deleted + "/events?reader=sse")) {
            sleep(100);
            http.delete("/api/streams/" + deleted);
            assertThat(events.nextEvent()).containsExactly("event=end", "data={\"status\":\"GONE\"}");
            events.finished.get(5, TimeUnit.SECONDS);
        }
        Response missing = http.get("/api/streams/" + uniqueId() + "/events?reader=sse");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("success").asBoolean()).isFalse();
        assertThat(http.get("/api/streams/" + failed + "/events").status()).isEqualTo(400);
    }

    @Test
    void anIdleEventStreamHoldsNoWorkerThread() throws Exception {
        String id = open();
        List<EventStream> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                idle.add(new EventStream("/api/streams/" + id + "/events?reader=idle" + i));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(http.get("/api/streams/" + id).status()).isEqualTo(200);
            }
            append(id, "to all");
            for (EventStream e : idle) {
                assertThat(e.nextEvent()).containsExactly("id=1", "event=message", "data=to all");
            }
        } finally {
            idle.forEach(EventStream::close);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
