package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * SSE readers of one stream, each on its own thread and connection, that record every event they
 * get; {@link #awaitAll} tells a reader that stalled (no byte for a while, not ended) from one that
 * is merely slow, and names the counts each reader reached.
 */
final class SseFanOut implements AutoCloseable {

    /** What one reader saw. */
    static final class Reader {
        final String name;
        final SseClient client;
        final List<Long> sequences = new ArrayList<>();
        final List<String> payloads = new ArrayList<>();
        volatile String end;
        volatile Throwable failure;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Reader(String name, SseClient client) {
            this.name = name;
            this.client = client;
        }

        synchronized int count() {
            return sequences.size();
        }

        @Override
        public synchronized String toString() {
            return name + " at " + sequences.size() + (end != null ? " ended " + end : "")
                    + (failure != null ? " failed " + failure : "");
        }
    }

    final List<Reader> readers = new ArrayList<>();

    /** Connects {@code count} readers named {@code prefix + i} to stream {@code id} and starts reading. */
    SseFanOut(int port, String id, String prefix, int count, ExecutorService threads) throws IOException {
        for (int i = 0; i < count; i++) {
            String name = prefix + i;
            SseClient client = new SseClient(port, "/api/streams/" + id + "/events?reader=" + name);
            assertThat(client.status()).as("SSE status for %s", name).isEqualTo(200);
            assertThat(client.header("Content-Type")).startsWith("text/event-stream");
            Reader r = new Reader(name, client);
            readers.add(r);
        }
        for (Reader r : readers) {
            threads.execute(() -> {
                try {
                    r.client.read(e -> {
                        if (e.name().equals("message")) {
                            synchronized (r) {
                                r.sequences.add(Long.parseLong(e.id()));
                                r.payloads.add(e.data());
                            }
                            return true;
                        }
                        r.end = e.name() + " " + e.data();
                        return false;
                    });
                } catch (Throwable t) {
                    r.failure = t;
                } finally {
                    r.done.complete(null);
                }
            });
        }
    }

    /**
     * Waits until every reader has its end event; fails when one got no byte for {@code stallMs}
     * before its end, or when all are not done by {@code deadlineMs}.
     */
    void awaitAll(long stallMs, long deadlineMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        while (true) {
            boolean all = true;
            for (Reader r : readers) {
                if (r.done.isDone()) {
                    continue;
                }
                all = false;
                long silent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.client.lastByteNanos());
                if (silent >= stallMs) {
                    throw new AssertionError(
                            "reader " + r + " got nothing for " + silent + " ms; all readers: " + readers);
                }
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readers not done within " + deadlineMs + " ms: " + readers);
            }
            Thread.sleep(20);
        }
    }

    /** Asserts that every reader got messages 1..n in order, exactly once, with the given payloads, then the end. */
    void assertComplete(int n, IntFunction<String> payload) {
        for (Reader r : readers) {
            assertThat(r.failure).as("reader %s", r.name).isNull();
            assertThat(r.end).as("reader %s end", r.name).isEqualTo("end {\"status\":\"COMPLETED\"}");
            synchronized (r) {
                assertThat(r.sequences).as("reader %s sequences", r.name).hasSize(n);
                for (int i = 0; i < n; i++) {
                    if (r.sequences.get(i) != i + 1 || !r.payloads.get(i).equals(payload.apply(i + 1))) {
                        throw new AssertionError("reader " + r.name + " event " + i + " is " + r.sequences.get(i) + " '"
                                + r.payloads.get(i) + "', expected " + (i + 1));
                    }
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (Reader r : readers) {
            r.client.close();
        }
    }
}
