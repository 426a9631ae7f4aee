package dev.hourglass.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many connections and requests the server takes at once, and how often an idle SSE connection
 * gets a keep-alive comment. Work beyond a limit is answered at once with 503 and {@code Retry-After}
 * on the IO thread, so a burst never queues without bound and never reaches the store.
 *
 * @param sseKeepAlive  the longest an SSE connection stays silent: a comment line is written after it
 * @param maxConnections open HTTP connections served; a request on one more is answered 503 and its
 *                      connection closed
 * @param maxStreams    SSE connections and waiting long polls open at once
 * @param maxPending    requests waiting for or running on a worker thread
 */
record Connections(Duration sseKeepAlive, int maxConnections, int maxStreams, int maxPending) {

    static final Duration DEFAULT_SSE_KEEPALIVE = Duration.ofSeconds(15);
    static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    static final int DEFAULT_MAX_STREAMS = 2_000;
    static final int DEFAULT_MAX_PENDING = 1_000;

    static final Connections DEFAULTS =
            new Connections(DEFAULT_SSE_KEEPALIVE, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_STREAMS, DEFAULT_MAX_PENDING);

    /** The flags this record reads. */
    static final Set<String> FLAGS = Set.of("--sse-keepalive", "--max-connections", "--max-streams", "--max-pending");

    static final List<String> USAGE = List.of(
            "  --sse-keepalive TIME longest silence on an SSE connection before a comment line (HOURGLASS_SSE_KEEPALIVE;",
            "                       default 15s)",
            "  --max-connections N  open connections served; a request on one more gets 503 (HOURGLASS_MAX_CONNECTIONS;",
            "                       default " + DEFAULT_MAX_CONNECTIONS + ")",
            "  --max-streams N      SSE connections and waiting long polls at once; more get 503 (HOURGLASS_MAX_STREAMS;",
            "                       default " + DEFAULT_MAX_STREAMS + ")",
            "  --max-pending N      requests waiting for or running on a worker thread; more get 503",
            "                       (HOURGLASS_MAX_PENDING; default " + DEFAULT_MAX_PENDING + ")");

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException naming the setting and the value when one is out of range
     */
    Connections {
        if (sseKeepAlive == null || sseKeepAlive.toMillis() < 10 || sseKeepAlive.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--sse-keepalive must be from 10ms to 1h, was " + sseKeepAlive);
        }
        positive("--max-connections", maxConnections);
        positive("--max-streams", maxStreams);
        positive("--max-pending", maxPending);
    }

    /** The limits from {@code flags} (name to value, names from {@link #FLAGS}), else {@code env}, else the defaults. */
    static Connections parse(Map<String, String> flags, Map<String, String> env) {
        return new Connections(
                ServerConfig.duration(
                        "--sse-keepalive", pick(flags, "--sse-keepalive", env, "HOURGLASS_SSE_KEEPALIVE", "15s")),
                count(flags, "--max-connections", env, "HOURGLASS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
                count(flags, "--max-streams", env, "HOURGLASS_MAX_STREAMS", DEFAULT_MAX_STREAMS),
                count(flags, "--max-pending", env, "HOURGLASS_MAX_PENDING", DEFAULT_MAX_PENDING));
    }

    private static String pick(
            Map<String, String> flags, String flag, Map<String, String> env, String variable, String fallback) {
        String v = flags.get(flag);
        if (v != null) {
            return v;
        }
        v = env.get(variable);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static int count(
            Map<String, String> flags, String flag, Map<String, String> env, String variable, int fallback) {
        String v = pick(flags, flag, env, variable, Integer.toString(fallback));
        String option = flags.containsKey(flag) ? flag : variable;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 1_000_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a whole number from 1 to 1000000, was '" + v + "'");
    }

    private static void positive(String option, int n) {
        if (n < 1 || n > 1_000_000) {
            throw new IllegalArgumentException(option + " must be a whole number from 1 to 1000000, was " + n);
        }
    }
}
