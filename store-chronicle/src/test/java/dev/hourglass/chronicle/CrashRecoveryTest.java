package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.SecondJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL at random moments, again and again, and checks after each
 * kill that the store opens by itself (repairing what the kill left), that every write the writer
 * had acknowledged is there and intact, and that nothing in the store fails to decode.
 */
class CrashRecoveryTest {

    private static final int KILLS = 10;

    @TempDir
    Path root;

    /** The writer's messages are 0 to 3,000 bytes: the files are sized for their average, not for 256 bytes. */
    private String uri() {
        return "chronicle:" + root.resolve("store")
                + "?maxSessions=150000&maxStreams=1000&maxMessages=100000&averageMessageBytes=1536";
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedWriteSurvivesTenKills() throws Exception {
        Random random = new Random(2026);
        Map<String, Long> lastPut = new HashMap<>();
        Map<String, Long> lastMerge = new HashMap<>();
        Map<String, Long> created = new HashMap<>();
        Map<String, Map<Long, Long>> appended = new HashMap<>();
        long acknowledged = 0;
        for (int round = 0; round < KILLS; round++) {
            Path ready = root.resolve("ready-" + round);
            long first = (round + 1) * 10_000_000L;
            List<String> lines;
            try (SecondJvm writer = SecondJvm.start(CrashWriter.class, uri(), Long.toString(first), ready.toString())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!Files.exists(ready)) {
                    assertThat(writer.process().isAlive())
                            .as("writer alive: %s", writer.errorTail())
                            .isTrue();
                    assertThat(System.nanoTime()).as("writer ready in time").isLessThan(deadline);
                    Thread.sleep(20);
                }
                Thread.sleep(100 + random.nextInt(1_400));
                assertThat(writer.process().isAlive())
                        .as("writer still writing: %s", writer.errorTail())
                        .isTrue();
                writer.process().toHandle().destroyForcibly(); // SIGKILL, leaving its output readable
                assertThat(writer.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                lines = writer.outputAfterExit();
            }
            long writes = 0;
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f.length < 2 || line.startsWith("!")) {
                    continue;
                }
                writes++;
                switch (f[0]) {
                    case "c" -> created.put("c-" + f[1], Long.parseLong(f[1]));
                    case "u" -> {
                        lastPut.put("u-" + f[1], Long.parseLong(f[2]));
                        lastMerge.remove("u-" + f[1]);
                    }
                    case "m" -> lastMerge.put("u-" + f[1], Long.parseLong(f[2]));
                    case "a" ->
                        appended.computeIfAbsent("s-" + f[1], k -> new HashMap<>())
                                .put(Long.parseLong(f[2]), Long.parseLong(f[3]));
                    default -> throw new AssertionError("unexpected writer output: " + line);
                }
            }
            assertThat(writes).as("writes acknowledged before kill %d", round).isPositive();
            acknowledged += writes;
            try (Stream<Path> journals = Files.list(root.resolve("store").resolve("processes"))) {
                assertThat(journals.count())
                        .as("the killed writer's journal is left behind")
                        .isEqualTo(1);
            }
            long lastAcknowledged = first + 100_000_000L;
            verify(round, created, lastPut, lastMerge, appended, lastAcknowledged);
        }
        assertThat(acknowledged).isGreaterThan(1_000);
    }

    private void verify(
            int round,
            Map<String, Long> created,
            Map<String, Long> lastPut,
            Map<String, Long> lastMerge,
            Map<String, Map<Long, Long>> appended,
            long inFlightAbove)
            throws Exception {
        long start = System.nanoTime();
        try (Store store = Hourglass.open(
                uri(), StoreOptions.builder().sweeperAutoStart(false).build())) {
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
                    .as("reopen time")
                    .isLessThan(60);
            for (Map.Entry<String, Long> e : created.entrySet()) {
                Session s = store.sessions().get(e.getKey()).orElse(null);
                assertThat(s).as("round %d: created %s", round, e.getKey()).isNotNull();
                assertThat(s.attributes().getLong("n", -1)).isEqualTo(e.getValue());
                assertThat(CrashWriter.sameBlob(s.attributes().getBytes("blob"), e.getValue()))
                        .isTrue();
            }
            for (Map.Entry<String, Long> e : lastPut.entrySet()) {
                Session s = store.sessions().get(e.getKey()).orElse(null);
                assertThat(s).as("round %d: replaced %s", round, e.getKey()).isNotNull();
                long n = s.attributes().getLong("n", -1);
                assertThat(n)
                        .as("round %d: %s holds the last acknowledged write or the one in flight", round, e.getKey())
                        .satisfiesAnyOf(
                                v -> assertThat(v).isEqualTo(e.getValue()),
                                v -> assertThat(v)
                                        .isGreaterThan(Math.max(
                                                e.getValue(), maxAcknowledged(created, lastPut, lastMerge, appended))));
                assertThat(CrashWriter.sameBlob(s.attributes().getBytes("blob"), n))
                        .as("blob of %s", e.getKey())
                        .isTrue();
                Long merged = lastMerge.get(e.getKey());
                if (merged != null && n == e.getValue()) {
                    assertThat(s.attributes().getLong("m", -1))
                            .as("merge into %s", e.getKey())
                            .isGreaterThanOrEqualTo(merged);
                }
                if (n != e.getValue()) {
                    // The write in flight at the kill landed: from now on it is the value this session must keep,
                    // and it replaced any merged attribute.
                    e.setValue(n);
                    lastMerge.remove(e.getKey());
                }
            }
            for (Map.Entry<String, Map<Long, Long>> e : appended.entrySet()) {
                String reader = "verify-" + round;
                long max = e.getValue().keySet().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0);
                assertThat(store.streams().state(e.getKey()).orElseThrow().messageCount())
                        .isGreaterThanOrEqualTo(max);
                for (long q = 1; q <= max; q++) {
                    Poll p = store.streams().next(e.getKey(), reader).orElseThrow();
                    Message m = p.message().orElseThrow();
                    assertThat(m.sequence()).isEqualTo(q);
                    Long n = e.getValue().get(q);
                    if (n != null) {
                        assertThat(m.payload())
                                .as("message %d of %s", q, e.getKey())
                                .isEqualTo(CrashWriter.content(n));
                    }
                }
            }
            long decoded = 0;
            try (Stream<String> ids = store.sessions().ids()) {
                for (String id : (Iterable<String>) ids::iterator) {
                    store.sessions().get(id).ifPresent(s -> s.attributes().names());
                    decoded++;
                }
            }
            assertThat(decoded).isEqualTo(store.sessions().count());
        }
        try (Stream<Path> journals = Files.list(root.resolve("store").resolve("processes"))) {
            assertThat(journals.count())
                    .as("a clean close leaves nothing to recover")
                    .isZero();
        }
    }

    private static long maxAcknowledged(
            Map<String, Long> created,
            Map<String, Long> lastPut,
            Map<String, Long> lastMerge,
            Map<String, Map<Long, Long>> appended) {
        long max = 0;
        for (Map<String, Long> m : List.of(created, lastPut, lastMerge)) {
            for (long v : m.values()) {
                max = Math.max(max, v);
            }
        }
        for (Map<Long, Long> m : appended.values()) {
            for (long v : m.values()) {
                max = Math.max(max, v);
            }
        }
        return max;
    }
}
