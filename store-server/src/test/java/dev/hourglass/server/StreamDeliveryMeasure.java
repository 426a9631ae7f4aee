package dev.hourglass.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.Streams;
import dev.hourglass.testkit.MariaDbServer;
import dev.hourglass.testkit.PostgresServer;
import dev.hourglass.testkit.RedisServer;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What streams cost the server and how fast they deliver, printed as Markdown tables (not a test:
 * a program, since its figures depend on the machine). Over a server and store in this JVM on each
 * backend named in the arguments (memory, chronicle, redis, postgresql, mariadb; the engines are
 * private ones on loopback):
 *
 * <ul>
 *   <li>{@code idle}: store operations per second while {@value #IDLE_CLIENTS} SSE clients wait on
 *       {@value #IDLE_CLIENTS} quiet streams, counted by the store's own operation timers (every
 *       call the store makes to its backend) and, on redis, by the server's command statistics;
 *   <li>{@code latency}: from an append to the moment a waiting client of the server has the
 *       message: a long poll ({@code next?wait=}) and an SSE connection, one message every
 *       {@value #GAP_MS} ms, the first {@value #WARMUP} left out, p50 and p99 of the rest. The
 *       appends go through a second store over the same data (another node), so that what wakes
 *       the server's reads is the engine's notification, not the signal within one store; on
 *       memory, whose data lives in one store object, through the server's own store.
 * </ul>
 *
 * <p>Run: {@code StreamDeliveryMeasure idle|latency backend...}, on the test class path with the
 * Chronicle JVM options.
 */
public final class StreamDeliveryMeasure {

    static final int IDLE_CLIENTS = 1_000;
    static final int SAMPLES = 300;
    static final int WARMUP = 50;
    static final long GAP_MS = 20;
    private static final long IDLE_WINDOW_MS = 30_000;

    private StreamDeliveryMeasure() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("idle") || args[0].equals("latency"))) {
            System.err.println("usage: StreamDeliveryMeasure idle|latency backend...");
            System.exit(2);
        }
        List<String> rows = new ArrayList<>();
        for (String backend : Arrays.asList(args).subList(1, args.length)) {
            try (Engine engine = Engine.start(backend);
                    ServerFixture fixture = ServerFixture.onRealClock(engine.uri)) {
                if (args[0].equals("idle")) {
                    rows.add(idle(backend, engine, fixture));
                } else if (backend.equals("memory")) {
                    rows.addAll(latency(backend, fixture.store.streams(), fixture));
                } else {
                    try (Store producer = Hourglass.open(
                            engine.uri,
                            StoreOptions.builder().sweeperAutoStart(false).build())) {
                        rows.addAll(latency(backend, producer.streams(), fixture));
                    }
                }
            }
        }
        if (args[0].equals("idle")) {
            System.out.println("| backend | SSE clients | window | store operations/s | per client per second"
                    + " | engine commands/s (by command) |");
            System.out.println("|---|---|---|---|---|---|");
        } else {
            System.out.println("| backend | delivery | samples | p50 ms | p99 ms | max ms |");
            System.out.println("|---|---|---|---|---|---|");
        }
        rows.forEach(System.out::println);
        System.out.printf(
                "%nload average at the end: %.1f on %d cores%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** A private engine for a backend, and the store URI over it. */
    private static final class Engine implements AutoCloseable {
        final String uri;
        final AutoCloseable server;
        final RedisServer redis;
        final Path dir;

        private Engine(String uri, AutoCloseable server, RedisServer redis, Path dir) {
            this.uri = uri;
            this.server = server;
            this.redis = redis;
            this.dir = dir;
        }

        static Engine start(String backend) throws IOException {
            switch (backend) {
                case "memory":
                    return new Engine("memory:", null, null, null);
                case "chronicle":
                    Path dir = Files.createTempDirectory("hourglass-measure-");
                    return new Engine("chronicle:" + dir + "?maxStreams=2000&maxMessages=20000", null, null, dir);
                case "redis":
                    RedisServer r = RedisServer.start();
                    return new Engine(r.uri(), r, r, null);
                case "postgresql":
                    PostgresServer pg = PostgresServer.start();
                    return new Engine(
                            "jdbc:postgresql://" + pg.user() + "@" + pg.host() + ":" + pg.port() + "/"
                                    + PostgresServer.DATABASE,
                            pg,
                            null,
                            null);
                case "mariadb":
                    MariaDbServer m = MariaDbServer.start();
                    return new Engine(
                            "jdbc:mariadb://root@" + m.host() + ":" + m.port() + "/" + MariaDbServer.DATABASE,
                            m,
                            null,
                            null);
                default:
                    throw new IllegalArgumentException("backend must be one of memory, chronicle, redis, "
                            + "postgresql, mariadb, was '" + backend + "'");
            }
        }

        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
            if (dir != null) {
                ServerFixture.deleteRecursively(dir);
            }
        }
    }

    /** Every call the store made so far, from its operation timers. */
    private static long storeOperations(ServerFixture f) {
        long n = 0;
        for (Timer t : f.registry.find("hourglass.operations").timers()) {
            n += t.count();
        }
        return n;
    }

    /** The calls of each command redis has run so far, from INFO commandstats (INFO itself left out). */
    private static Map<String, Long> redisCommands(RedisServer redis) {
        Object reply = redis.command("INFO", "commandstats");
        String text = reply instanceof byte[] b ? new String(b, UTF_8) : String.valueOf(reply);
        Map<String, Long> calls = new TreeMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && colon > 0 && at > 0 && !line.startsWith("cmdstat_info:")) {
                int end = line.indexOf(',', at);
                calls.put(
                        line.substring(8, colon),
                        Long.parseLong(line.substring(at + 6, end < 0 ? line.length() : end)));
            }
        }
        return calls;
    }

    /** Commands per second between two snapshots, in total and by command (the busiest first). */
    private static String commandRate(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) {
                delta.put(k, d);
            }
        });
        long total = delta.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder sb = new StringBuilder(String.format("%.1f", total / seconds));
        delta.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sb.append(String.format("; %s %.1f", e.getKey(), e.getValue() / seconds)));
        return sb.toString();
    }

    private static String idle(String backend, Engine engine, ServerFixture f) throws Exception {
        Streams streams = f.store.streams();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < IDLE_CLIENTS; i++) {
                streams.open("idle-" + i, Attributes.empty(), Duration.ofHours(1));
                SseClient c = new SseClient(f.server.port(), "/api/streams/idle-" + i + "/events?reader=r");
                if (c.status() != 200) {
                    throw new IllegalStateException("SSE client " + i + " got " + c.status());
                }
                clients.add(c);
            }
            Thread.sleep(2_000);
            long ops = storeOperations(f);
            Map<String, Long> commands = engine.redis == null ? Map.of() : redisCommands(engine.redis);
            long t0 = System.nanoTime();
            Thread.sleep(IDLE_WINDOW_MS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double opsPerSecond = (storeOperations(f) - ops) / seconds;
            String engineRate =
                    engine.redis == null ? "-" : commandRate(commands, redisCommands(engine.redis), seconds);
            return String.format(
                    "| %s | %,d | %.0f s | %.1f | %.4f | %s |",
                    backend, IDLE_CLIENTS, seconds, opsPerSecond, opsPerSecond / IDLE_CLIENTS, engineRate);
        } finally {
            for (SseClient c : clients) {
                c.close();
            }
        }
    }

    private static List<String> latency(String backend, Streams streams, ServerFixture f) throws Exception {
        List<String> rows = new ArrayList<>();
        Map<String, long[]> results = new LinkedHashMap<>();
        results.put("long poll", longPoll(streams, f));
        results.put("SSE", sse(streams, f));
        for (Map.Entry<String, long[]> e : results.entrySet()) {
            long[] ns = e.getValue();
            Arrays.sort(ns);
            rows.add(String.format(
                    "| %s | %s | %d | %.2f | %.2f | %.2f |",
                    backend,
                    e.getKey(),
                    ns.length,
                    ns[ns.length / 2] / 1e6,
                    ns[(int) Math.ceil(ns.length * 0.99) - 1] / 1e6,
                    ns[ns.length - 1] / 1e6));
        }
        return rows;
    }

    /** Appends one message every {@value #GAP_MS} ms whose payload is its append time; returns the delays. */
    private static long[] measure(Streams streams, String id, BlockingQueue<long[]> received) throws Exception {
        long[] out = new long[SAMPLES - WARMUP];
        for (int i = 0; i < SAMPLES; i++) {
            Thread.sleep(GAP_MS);
            streams.append(id, Long.toString(System.nanoTime()).getBytes(UTF_8));
            long[] got = received.poll(10, TimeUnit.SECONDS);
            if (got == null) {
                throw new IllegalStateException("message " + (i + 1) + " of " + id + " was not delivered in 10 s");
            }
            if (i >= WARMUP) {
                out[i - WARMUP] = got[1] - got[0];
            }
        }
        streams.complete(id);
        return out;
    }

    private static long[] longPoll(Streams streams, ServerFixture f) throws Exception {
        String id = "latency-poll";
        streams.open(id, Attributes.empty(), Duration.ofHours(1));
        BlockingQueue<long[]> received = new ArrayBlockingQueue<>(SAMPLES);
        Thread client = new Thread(() -> {
            try (LongPollClient c = new LongPollClient(f.server.port())) {
                while (true) {
                    LongPollClient.Answer a = c.get("/api/streams/" + id + "/next?reader=r&wait=10000");
                    long now = System.nanoTime();
                    if (a.status() != 200) {
                        throw new IllegalStateException("long poll answered " + a.status());
                    }
                    var data = a.json().get("data");
                    if (data.get("ended").asBoolean()) {
                        return;
                    }
                    if (!data.get("message").isNull()) {
                        received.add(new long[] {
                            Long.parseLong(data.get("message").get("payload").asText()), now
                        });
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client.setDaemon(true);
        client.start();
        long[] out = measure(streams, id, received);
        client.join(TimeUnit.SECONDS.toMillis(30));
        return out;
    }

    private static long[] sse(Streams streams, ServerFixture f) throws Exception {
        String id = "latency-sse";
        streams.open(id, Attributes.empty(), Duration.ofHours(1));
        BlockingQueue<long[]> received = new ArrayBlockingQueue<>(SAMPLES);
        SseClient c = new SseClient(f.server.port(), "/api/streams/" + id + "/events?reader=r");
        Thread client = new Thread(() -> {
            try {
                c.read(e -> {
                    if (e.name().equals("message")) {
                        received.add(new long[] {Long.parseLong(e.data()), System.nanoTime()});
                    }
                    return !e.name().equals("end");
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client.setDaemon(true);
        client.start();
        try {
            long[] out = measure(streams, id, received);
            client.join(TimeUnit.SECONDS.toMillis(30));
            return out;
        } finally {
            c.close();
        }
    }
}
