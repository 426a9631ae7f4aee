package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Merge;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.Streams;
import dev.hourglass.testkit.RedisServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each session operation is one round trip: the server's MONITOR shows exactly one command from the
 * store's connection per operation (a script's own commands are not client commands), and INFO
 * commandstats after CONFIG RESETSTAT shows which one.
 */
class RoundTripTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Pattern CALLS = Pattern.compile("cmdstat_([a-z|]+):calls=(\\d+)");

    private static RedisServer redis;
    private static Store store;
    private static Monitor monitor;
    private static String storeClient;
    private static final Map<String, Integer> measured = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
        store = Hourglass.open(
                redis.uri() + "?prefix=rt:",
                StoreOptions.builder().sweeperAutoStart(false).build());
        monitor = new Monitor(redis.host(), redis.port());
        store.sessions().get("warm-up");
        List<Monitor.Sent> sent = drain();
        assertThat(sent).hasSize(1);
        storeClient = sent.get(0).client();
    }

    @AfterAll
    static void stop() throws Exception {
        measured.forEach((op, n) -> System.out.printf("round trips %-22s %d%n", op, n));
        monitor.close();
        store.close();
        redis.close();
    }

    private static List<Monitor.Sent> drain() throws InterruptedException {
        String mark = monitor.nextMarker();
        redis.command("ECHO", mark);
        return monitor.drainUntil(mark);
    }

    /** Runs {@code op} and returns the commands the store sent for it, checking commandstats agrees. */
    private static List<String> commandsOf(String name, Runnable op) throws InterruptedException {
        drain();
        redis.command("CONFIG", "RESETSTAT");
        op.run();
        Map<String, Long> stats = commandStats();
        List<String> sent = drain().stream()
                .filter(s -> s.client().equals(storeClient))
                .map(Monitor.Sent::command)
                .toList();
        measured.put(name, sent.size());
        long topLevel = stats.getOrDefault("evalsha", 0L)
                + stats.getOrDefault("eval", 0L)
                + (sent.stream().anyMatch(c -> c.startsWith("\"HGETALL\"")) ? stats.getOrDefault("hgetall", 0L) : 0L);
        assertThat(topLevel).as("commandstats of %s: %s", name, stats).isEqualTo(sent.size());
        return sent;
    }

    private static Map<String, Long> commandStats() {
        String info = (String) redis.command("INFO", "commandstats");
        Map<String, Long> calls = new LinkedHashMap<>();
        Matcher m = CALLS.matcher(info);
        while (m.find()) {
            calls.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return calls;
    }

    private static Attributes attrs(String k, String v) {
        return Attributes.strings(Map.of(k, v));
    }

    @Test
    void aLookupByIndexIsOneScriptThenOneReadPerMatch() throws Exception {
        Sessions s = store.sessions();
        s.put("rt-i1", Attributes.strings(java.util.Map.of("index:user", "ada")), HOUR);
        s.put("rt-i2", Attributes.strings(java.util.Map.of("index:user", "ada")), HOUR);
        s.put("rt-i3", Attributes.strings(java.util.Map.of("index:user", "bob")), HOUR);
        List<String> sent = commandsOf(
                "findByIndex", () -> assertThat(s.findByIndex("user", "ada")).containsOnlyKeys("rt-i1", "rt-i2"));
        assertThat(sent).as("one script over every bucket, then the matches").hasSize(3);
        assertThat(sent.get(0)).startsWith("\"EVALSHA\"");
        assertThat(sent.subList(1, 3)).allSatisfy(c -> assertThat(c).startsWith("\"HGETALL\""));
    }

    @Test
    void everySessionOperationIsOneCommand() throws Exception {
        Sessions s = store.sessions();
        assertThat(commandsOf("put", () -> s.put("rt-1", attrs("a", "1"), HOUR)))
                .singleElement()
                .asString()
                .startsWith("\"EVALSHA\"");
        assertThat(commandsOf("get", () -> assertThat(s.get("rt-1")).isPresent()))
                .singleElement()
                .asString()
                .startsWith("\"HGETALL\"");
        assertThat(commandsOf(
                        "get (absent)", () -> assertThat(s.get("rt-absent")).isEmpty()))
                .hasSize(1);
        assertThat(commandsOf(
                        "createIfAbsent",
                        () -> assertThat(s.createIfAbsent("rt-2", attrs("a", "1"), HOUR))
                                .isPresent()))
                .singleElement()
                .asString()
                .startsWith("\"EVALSHA\"");
        assertThat(commandsOf(
                        "createIfAbsent (taken)",
                        () -> assertThat(s.createIfAbsent("rt-2", attrs("a", "2"), HOUR))
                                .isEmpty()))
                .hasSize(1);
        assertThat(commandsOf("create", () -> s.create(attrs("a", "1"), HOUR))).hasSize(1);
        assertThat(commandsOf(
                        "merge",
                        () -> assertThat(s.merge(
                                        "rt-1", Merge.set(attrs("b", "2")).andRemove("a")))
                                .isPresent()))
                .singleElement()
                .asString()
                .startsWith("\"EVALSHA\"");
        assertThat(commandsOf("touch", () -> assertThat(s.touch("rt-1", HOUR)).isTrue()))
                .hasSize(1);
        assertThat(commandsOf(
                        "getAndTouch",
                        () -> assertThat(s.getAndTouch("rt-1", HOUR)).isPresent()))
                .hasSize(1);
        long version = s.get("rt-1").orElseThrow().version();
        assertThat(commandsOf(
                        "compareAndSet",
                        () -> assertThat(s.compareAndSet("rt-1", version, attrs("c", "3")))
                                .isPresent()))
                .singleElement()
                .asString()
                .startsWith("\"EVALSHA\"");
        assertThat(commandsOf(
                        "compareAndSet (stale)",
                        () -> assertThat(s.compareAndSet("rt-1", version, attrs("c", "4")))
                                .isEmpty()))
                .hasSize(1);
        assertThat(commandsOf(
                        "update (get + CAS)",
                        () -> s.update("rt-1", a -> a.with("d", "4")).orElseThrow()))
                .hasSize(2);
        assertThat(commandsOf("delete", () -> assertThat(s.delete("rt-1")).isTrue()))
                .hasSize(1);
        assertThat(commandsOf(
                        "delete (absent)", () -> assertThat(s.delete("rt-1")).isFalse()))
                .hasSize(1);
    }

    @Test
    void everyStreamOperationIsOneCommand() throws Exception {
        Streams st = store.streams();
        assertThat(commandsOf(
                        "stream open",
                        () -> assertThat(st.open("rt-s", Attributes.empty(), HOUR))
                                .isTrue()))
                .hasSize(1);
        assertThat(commandsOf("stream append", () -> st.append("rt-s", "x".getBytes(StandardCharsets.UTF_8))))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream next",
                        () -> assertThat(st.next("rt-s", "r").orElseThrow().message())
                                .isPresent()))
                .hasSize(1);
        assertThat(commandsOf("stream state", () -> assertThat(st.state("rt-s")).isPresent()))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream take",
                        () -> assertThat(st.take("rt-s", "t", Duration.ofSeconds(30)))
                                .isPresent()))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream ack", () -> assertThat(st.ack("rt-s", "t", 1)).isTrue()))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream read", () -> assertThat(st.read("rt-s", 0, 10)).isPresent()))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream complete",
                        () -> assertThat(st.complete("rt-s")).isEqualTo(dev.hourglass.CloseResult.CLOSED)))
                .hasSize(1);
        assertThat(commandsOf(
                        "stream delete", () -> assertThat(st.delete("rt-s")).isTrue()))
                .hasSize(1);
    }

    @Test
    void aWaitingReadIsWokenThroughASubscriptionOfItsOwnInsteadOfPolling() throws Exception {
        Streams st = store.streams();
        st.open("rt-w", Attributes.empty(), HOUR);
        drain();
        java.util.concurrent.CompletableFuture<Long> read =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> st.next("rt-w", "r", Duration.ofSeconds(5))
                        .orElseThrow()
                        .message()
                        .orElseThrow()
                        .sequence());
        Thread.sleep(1_200);
        long appended = System.nanoTime();
        st.append("rt-w", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(read.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        long latencyMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - appended);
        List<Monitor.Sent> sent = drain();
        List<Monitor.Sent> subscribes = sent.stream()
                .filter(x -> x.command().startsWith("\"SUBSCRIBE\""))
                .toList();
        assertThat(subscribes)
                .isNotEmpty()
                .allSatisfy(x -> assertThat(x.client()).isNotEqualTo(storeClient));
        assertThat(sent.stream().filter(x -> x.client().equals(storeClient)).count())
                .as("next, append, next: no polling while blocked: %s", sent)
                .isLessThanOrEqualTo(4);
        // Woken by the message, not by the 5 s timeout; the bound leaves room for a loaded machine.
        assertThat(latencyMs).as("wake-up latency ms").isLessThan(500);
        measured.put("waiting read wake-up ms", (int) latencyMs);
    }

    @Test
    void aFlushedScriptCacheCostsOneExtraCommandOnce() throws Exception {
        Sessions s = store.sessions();
        s.put("rt-f", attrs("a", "1"), HOUR);
        redis.command("SCRIPT", "FLUSH");
        try {
            assertThatOneExtraCommand(s);
        } finally {
            for (Script script : Script.ALL) {
                redis.command("SCRIPT", "LOAD", new String(script.source, StandardCharsets.UTF_8));
            }
        }
    }

    private static void assertThatOneExtraCommand(Sessions s) throws Exception {
        List<String> first = commandsOf("put after SCRIPT FLUSH", () -> s.put("rt-f", attrs("a", "2"), HOUR));
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).startsWith("\"EVALSHA\"");
        assertThat(first.get(1)).startsWith("\"EVAL\"");
        assertThat(commandsOf("put after reload", () -> s.put("rt-f", attrs("a", "3"), HOUR)))
                .hasSize(1);
        redis.command("SCRIPT", "FLUSH");
        s.putAll(Map.of("rt-f1", attrs("a", "1"), "rt-f2", attrs("a", "2")), HOUR);
        assertThat(s.getAll(List.of("rt-f1", "rt-f2"))).hasSize(2);
        Session got = s.get("rt-f").orElseThrow();
        assertThat(got.attributes().getString("a")).isEqualTo("3");
    }

    @Test
    void batchesAreSentWithoutWaitingForReplies() throws Exception {
        Sessions s = store.sessions();
        Map<String, Attributes> batch = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            batch.put("rt-b" + i, attrs("i", Integer.toString(i)));
        }
        assertThat(commandsOf("putAll of 50", () -> s.putAll(batch, HOUR))).hasSize(50);
        assertThat(commandsOf(
                        "getAll of 50",
                        () -> assertThat(s.getAll(batch.keySet())).hasSize(50)))
                .hasSize(50);
    }
}
