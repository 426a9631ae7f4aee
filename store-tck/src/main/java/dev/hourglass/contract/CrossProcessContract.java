package dev.hourglass.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Capability;
import dev.hourglass.Hourglass;
import dev.hourglass.Poll;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Atomicity and exactly-once across processes: this JVM and a second one work on the same store
 * at once. For backends that declare {@link Capability#CROSS_PROCESS}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class CrossProcessContract {

    protected Store store;

    /** A URI a second JVM can open, naming the same (empty) store as {@link #openStore()}. */
    protected abstract String storeUri();

    /** Opens the store at {@link #storeUri()} in this JVM; override to add options. */
    protected Store openStore() {
        return Hourglass.open(
                storeUri(),
                StoreOptions.builder()
                        .sweeperAutoStart(false)
                        .timeout(Duration.ofSeconds(10))
                        .build());
    }

    @BeforeEach
    void open() {
        store = openStore();
        assertThat(store.capabilities()).contains(Capability.CROSS_PROCESS);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void updatesFromTwoProcessesLoseNothing() throws Exception {
        store.sessions().put("xp-counter", Attributes.empty().with("n", 0L), Duration.ofHours(1));
        try (SecondJvm other =
                SecondJvm.start(ContractWorker.class, "increment", storeUri(), "xp-counter", "4", "250")) {
            StoreContract.parallel(4, t -> {
                for (int i = 0; i < 250; i++) {
                    store.sessions()
                            .update("xp-counter", a -> a.with("n", a.getLong("n", 0) + 1))
                            .orElseThrow();
                }
            });
            assertThat(other.awaitSuccess(4, TimeUnit.MINUTES)).contains("done");
        }
        assertThat(store.sessions().get("xp-counter").orElseThrow().attributes().getLong("n", -1))
                .isEqualTo(2_000);
    }

    @Test
    void readersInTwoProcessesShareEachMessageExactlyOnce() throws Exception {
        int n = 3_000;
        store.streams().open("xp-stream", Attributes.empty(), Duration.ofHours(1));
        Map<Long, Integer> seen = new ConcurrentHashMap<>();
        try (SecondJvm other = SecondJvm.start(ContractWorker.class, "read", storeUri(), "xp-stream", "relay", "2")) {
            Thread producer = new Thread(() -> {
                for (int i = 1; i <= n; i++) {
                    store.streams().append("xp-stream", Integer.toString(i).getBytes(UTF_8));
                }
                store.streams().complete("xp-stream");
            });
            producer.start();
            StoreContract.parallel(2, t -> {
                while (true) {
                    Poll p = store.streams()
                            .next("xp-stream", "relay", Duration.ofSeconds(2))
                            .orElseThrow();
                    if (p.message().isPresent()) {
                        seen.merge(p.message().get().sequence(), 1, Integer::sum);
                    } else if (p.ended()) {
                        return;
                    }
                }
            });
            producer.join();
            List<String> lines = other.awaitSuccess(4, TimeUnit.MINUTES);
            Map<Long, Integer> theirs = new HashMap<>();
            for (String line : lines) {
                if (!line.equals("ready") && !line.equals("done")) {
                    theirs.merge(Long.parseLong(line), 1, Integer::sum);
                }
            }
            theirs.forEach((seq, c) -> seen.merge(seq, c, Integer::sum));
        }
        assertThat(seen).hasSize(n);
        assertThat(seen.values()).allMatch(c -> c == 1);
    }

    @Test
    void aMessageTakenByAKilledProcessGoesToAnotherAfterItsLease() throws Exception {
        store.streams().open("xp-lease", Attributes.empty(), Duration.ofHours(1));
        store.streams().append("xp-lease", "only".getBytes(UTF_8));
        try (SecondJvm other =
                SecondJvm.start(ContractWorker.class, "take-and-hang", storeUri(), "xp-lease", "relay", "1500")) {
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (store.sessions().get("xp-lease-taken").isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            Poll p = store.streams()
                    .take("xp-lease", "relay", Duration.ofSeconds(30))
                    .orElseThrow();
            assertThat(p.message()).isEmpty();
            assertThat(p.heldUntil()).as("the other process holds the message").isPresent();
            other.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            Poll again = store.streams()
                    .takeAsync("xp-lease", "relay", Duration.ofSeconds(30), Duration.ofSeconds(20))
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)
                    .orElseThrow();
            assertThat(again.message().orElseThrow().text()).isEqualTo("only");
            assertThat(store.streams().ack("xp-lease", "relay", 1)).isTrue();
        }
    }

    @Test
    void takersInTwoProcessesProcessEachMessageOnce() throws Exception {
        int n = 300;
        store.streams().open("xp-take", Attributes.empty(), Duration.ofHours(1));
        Map<Long, Integer> seen = new ConcurrentHashMap<>();
        try (SecondJvm other = SecondJvm.start(ContractWorker.class, "take", storeUri(), "xp-take", "relay", "2")) {
            Thread producer = new Thread(() -> {
                for (int i = 1; i <= n; i++) {
                    store.streams().append("xp-take", Integer.toString(i).getBytes(UTF_8));
                }
                store.streams().complete("xp-take");
            });
            producer.start();
            StoreContract.parallel(2, t -> {
                while (true) {
                    Poll p = store.streams()
                            .takeAsync("xp-take", "relay", Duration.ofSeconds(30), Duration.ofSeconds(2))
                            .toCompletableFuture()
                            .get(1, TimeUnit.MINUTES)
                            .orElseThrow();
                    if (p.message().isPresent()) {
                        long s = p.message().get().sequence();
                        seen.merge(s, 1, Integer::sum);
                        assertThat(store.streams().ack("xp-take", "relay", s)).isTrue();
                    } else if (p.ended()) {
                        return;
                    }
                }
            });
            producer.join();
            for (String line : other.awaitSuccess(4, TimeUnit.MINUTES)) {
                if (!line.equals("ready") && !line.equals("done")) {
                    seen.merge(Long.parseLong(line), 1, Integer::sum);
                }
            }
        }
        assertThat(seen).hasSize(n);
        assertThat(seen.values()).allMatch(c -> c == 1);
    }

    /**
     * Two pollers here and two in a second JVM under one reader name, each dropping some of its takes
     * (a short lease, never acknowledged): every message is processed exactly once, each dropped one
     * by a later take, and no acknowledgement under a live lease fails.
     */
    @Test
    void takersInTwoProcessesThatDropSomeTakesProcessEachMessageOnce() throws Exception {
        int n = 200;
        store.streams().open("xp-drop", Attributes.empty(), Duration.ofHours(1));
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        try (SecondJvm other =
                SecondJvm.start(ContractWorker.class, "take-drop", storeUri(), "xp-drop", "relay", "2")) {
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (store.sessions().get("xp-drop-ready").isEmpty() && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(store.sessions().get("xp-drop-ready"))
                    .as("the second JVM is up")
                    .isPresent();
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 1; i <= n; i++) {
                        store.streams().append("xp-drop", Integer.toString(i).getBytes(UTF_8));
                        Thread.sleep(2);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.streams().complete("xp-drop");
            });
            producer.start();
            StoreContract.parallel(
                    2, t -> ContractWorker.takeWithDrops(store, "xp-drop", "relay", t, l -> lines.add("here " + l)));
            producer.join();
            for (String line : other.awaitSuccess(4, TimeUnit.MINUTES)) {
                if (!line.equals("ready") && !line.equals("done")) {
                    lines.add("there " + line);
                }
            }
        }
        Map<Long, Integer> processed = new HashMap<>();
        Map<Long, Integer> dropped = new HashMap<>();
        Map<String, Integer> dropsBySide = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            long s = Long.parseLong(f[2]);
            (f[1].equals("t") ? processed : dropped).merge(s, 1, Integer::sum);
            if (f[1].equals("d")) {
                dropsBySide.merge(f[0], 1, Integer::sum);
            }
        }
        assertThat(processed).hasSize(n);
        assertThat(processed.values()).allMatch(c -> c == 1);
        assertThat(dropped.keySet()).allMatch(s -> s >= 1 && s <= n);
        assertThat(dropsBySide).as("drops in each process").containsKeys("here", "there");
        assertThat(store.streams().state("xp-drop").orElseThrow().markers()).containsEntry("relay", (long) n);
    }

    @Test
    void createIfAbsentRacedFromTwoProcessesHasOneWinner() throws Exception {
        List<String> results = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String id = "xp-create-" + round;
            try (SecondJvm other = SecondJvm.start(ContractWorker.class, "create", storeUri(), id, "other")) {
                Thread.sleep(50);
                boolean mine = store.sessions()
                        .createIfAbsent(id, Attributes.strings(Map.of("winner", "this")), Duration.ofHours(1))
                        .isPresent();
                List<String> lines = other.awaitSuccess(2, TimeUnit.MINUTES);
                boolean theirs = lines.contains("won");
                assertThat(mine ^ theirs).as("exactly one winner for %s", id).isTrue();
                String winner =
                        store.sessions().get(id).orElseThrow().attributes().getString("winner");
                assertThat(winner).isEqualTo(mine ? "this" : "other");
                results.add(winner);
            }
        }
        assertThat(results).hasSize(3).allMatch(Set.of("this", "other")::contains);
    }
}
