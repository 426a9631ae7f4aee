package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Measures what a session costs each engine: bytes per session at a given attribute size, and the
 * JVM heap the store holds while the sessions are in it. It writes {@code count} sessions with one
 * attribute of {@code bytes} random printable characters (TTL one day), in batches of 1,000, and
 * reads the engine's own accounting before and after:
 *
 * <ul>
 *   <li>Redis: {@code used_memory} of {@code INFO memory};
 *   <li>Chronicle: the bytes its files take on disk ({@code du}), sized for {@code count} plus 10%,
 *       and the process's resident memory;
 *   <li>PostgreSQL: {@code pg_total_relation_size} of every table (tables, indexes, TOAST);
 *   <li>MariaDB: {@code data_length + index_length} of {@code information_schema.tables} after
 *       {@code ANALYZE TABLE}.
 * </ul>
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.hourglass.benchmarks.Capacity engine count bytes
 * </pre>
 *
 * Private servers are started on loopback for the run, as the benchmarks do. It prints one line of
 * Markdown table per run: engine, sessions, attribute bytes, engine bytes per session, heap.
 */
public final class Capacity {

    private static final Duration TTL = Duration.ofDays(1);
    private static final int BATCH = 1_000;

    private Capacity() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Capacity chronicle|redis|postgresql|mariadb <count> <attribute bytes>");
            System.exit(2);
        }
        String engine = args[0];
        int count = Integer.parseInt(args[1]);
        int bytes = Integer.parseInt(args[2]);
        if (count < BATCH || bytes < 1) {
            throw new IllegalArgumentException(
                    "count must be >= " + BATCH + " and bytes >= 1, were " + count + " and " + bytes);
        }
        Path dir = engine.equals("chronicle") ? Subjects.tempDir("hourglass-capacity") : null;
        String uri = switch (engine) {
            case "chronicle" ->
                "chronicle:" + dir + "?maxSessions=" + (count + count / 10)
                        + "&averageSessionBytes=" + (bytes + 64) + "&maxSessionBytes=" + Math.max(4_096, 2 * bytes)
                        + "&maxStreams=1000&maxMessages=1000";
            case "redis" -> Servers.redis() + "/0?prefix=cap:";
            case "postgresql", "mariadb" -> Servers.database(engine).urlWithCredentials();
            default ->
                throw new IllegalArgumentException(
                        "engine must be chronicle, redis, postgresql or mariadb, was '" + engine + "'");
        };
        try (Store store = Hourglass.open(uri, Subjects.defaults().build())) {
            // Chronicle allocates its files for the capacity up front: its cost is the whole footprint.
            long engineBefore = engine.equals("chronicle") ? 0 : engineBytes(engine, dir);
            long heapBefore = heapAfterGc();
            if (engine.equals("redis")) {
                redis(c -> c.sync().configResetstat());
            }
            long t0 = System.nanoTime();
            write(store.sessions(), count, bytes);
            String writes = engine.equals("redis") ? redis(c -> commandStats(c, "evalsha")) : "";
            double seconds = (System.nanoTime() - t0) / 1e9;
            long engineAfter = engineBytes(engine, dir);
            long heapAfter = heapAfterGc();
            String extra = engine.equals("chronicle") ? String.format(" | resident %,d MB", rssBytes() >> 20) : "";
            if (engine.equals("redis")) {
                extra = " | server: writes " + writes + "; reads " + redisMicrosPerGet(store.sessions(), count);
            }
            System.out.printf(
                    "| %s | %,d | %,d | %,.0f B | %,.1f MB per million | %,.0f sessions/s%s |%n",
                    engine,
                    count,
                    bytes,
                    (engineAfter - engineBefore) / (double) count,
                    (heapAfter - heapBefore) / (double) count * 1_000_000 / (1 << 20),
                    count / seconds,
                    extra);
        } finally {
            Subjects.deleteTree(dir);
            Servers.stopOwned();
        }
    }

    private static void write(Sessions sessions, int count, int bytes) {
        SplittableRandom random = new SplittableRandom(42);
        byte[] text = new byte[bytes];
        for (int first = 0; first < count; first += BATCH) {
            Map<String, Attributes> batch = new LinkedHashMap<>(2 * BATCH);
            for (int i = first; i < Math.min(count, first + BATCH); i++) {
                for (int b = 0; b < bytes; b++) {
                    text[b] = (byte) (' ' + 1 + random.nextInt(94));
                }
                batch.put(
                        "cap-" + i, Attributes.strings(Map.of("payload", new String(text, StandardCharsets.US_ASCII))));
            }
            sessions.putAll(batch, TTL);
        }
    }

    private static long engineBytes(String engine, Path dir) throws Exception {
        return switch (engine) {
            case "chronicle" -> duBytes(dir);
            case "redis" -> redisUsedMemory();
            case "postgresql" ->
                sql(
                        engine,
                        List.of(),
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n"
                                + " ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema()");
            default ->
                sql(
                        engine,
                        List.of("ANALYZE"),
                        "SELECT coalesce(sum(data_length + index_length), 0) FROM information_schema.tables"
                                + " WHERE table_schema = DATABASE()");
        };
    }

    /** Server time per get: 20,000 gets of random ids, timed by Redis itself ({@code INFO commandstats}). */
    private static String redisMicrosPerGet(Sessions sessions, int count) {
        return redis(c -> {
            c.sync().configResetstat();
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 20_000; i++) {
                sessions.get("cap-" + random.nextInt(count));
            }
            return commandStats(c, "hgetall");
        });
    }

    /** The server's time per call of {@code command} since the last reset, and how many calls. */
    private static String commandStats(StatefulRedisConnection<String, String> c, String command) {
        for (String line : c.sync().info("commandstats").split("\\r?\\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                String usec = line.replaceAll(".*usec_per_call=([0-9.]+).*", "$1");
                String calls = line.replaceAll(".*:calls=([0-9]+).*", "$1");
                return command + " " + usec + " us per call (" + calls + " calls)";
            }
        }
        return command + " not called";
    }

    private static <T> T redis(java.util.function.Function<StatefulRedisConnection<String, String>, T> body) {
        RedisClient client = RedisClient.create(Servers.redis());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return body.apply(c);
        } finally {
            client.shutdown();
        }
    }

    private static long redisUsedMemory() {
        return redis(c -> {
            for (String line : c.sync().info("memory").split("\\r?\\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(
                            line.substring("used_memory:".length()).trim());
                }
            }
            throw new IllegalStateException("INFO memory has no used_memory");
        });
    }

    /** Runs {@code ANALYZE TABLE} on every table first when asked (MariaDB's sizes are estimates until then). */
    private static long sql(String engine, List<String> analyze, String query) throws SQLException {
        Servers.Database db = Servers.database(engine);
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
                Statement s = c.createStatement()) {
            if (!analyze.isEmpty()) {
                List<String> tables = new java.util.ArrayList<>();
                try (ResultSet r = s.executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")) {
                    while (r.next()) {
                        tables.add(r.getString(1));
                    }
                }
                for (String t : tables) {
                    s.execute("ANALYZE TABLE `" + t.replace("`", "``") + "`");
                }
            }
            try (ResultSet r = s.executeQuery(query)) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static long duBytes(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-s", "--block-size=1", dir.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("du failed: " + out);
        }
        return Long.parseLong(out.trim().split("\\s+")[0]);
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
