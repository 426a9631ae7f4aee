package dev.hourglass.server;

import dev.hourglass.Hourglass;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The server's settings, each from a flag, else an environment variable, else a default. Every value
 * is checked here, so a bad setting stops the start with a message naming the flag and the value.
 */
record ServerConfig(String storeUri, String bind, int port, Duration sessionTtl, Duration streamTtl,
                    long maxBodyBytes, boolean help) {

    static final int DEFAULT_PORT = 3001;
    static final String DEFAULT_BIND = "127.0.0.1";
    static final Duration DEFAULT_SESSION_TTL = Duration.ofDays(7);
    static final Duration DEFAULT_STREAM_TTL = Duration.ofMinutes(30);
    static final long DEFAULT_MAX_BODY = 1 << 20;

    static final String USAGE = String.join("\n",
            "Usage: java -jar store-server.jar [options]",
            "",
            "  --store URI          store to serve (HOURGLASS_STORE; default " + Hourglass.DEFAULT_URI + ")",
            "                       e.g. memory:, chronicle:./data, redis://localhost:6379/0, jdbc:mysql://...",
            "  --port N             port to listen on (HOURGLASS_PORT; default " + DEFAULT_PORT + ")",
            "  --bind ADDRESS       address to listen on (HOURGLASS_BIND; default " + DEFAULT_BIND + ")",
            "  --session-ttl TIME   default session lifetime (HOURGLASS_SESSION_TTL, or REDIS_SESSION_TTL in seconds;",
            "                       default 7d)",
            "  --stream-ttl TIME    default stream lifetime (HOURGLASS_STREAM_TTL; default 30m)",
            "  --max-body SIZE      largest request body accepted (HOURGLASS_MAX_BODY; default 1MiB)",
            "  --help               print this and exit",
            "",
            "TIME is seconds (604800) or a number with ms, s, m, h or d (7d, 30m), or ISO-8601 (PT30M).",
            "SIZE is bytes (1048576) or a number with KiB or MiB (512KiB, 1MiB).");

    static ServerConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /**
     * Reads flags ({@code --name value} or {@code --name=value}) over the environment {@code env}; without
     * {@code --store} the store URI is {@link Hourglass#configuredUri()} (system property, then
     * {@code HOURGLASS_STORE}, then {@code hourglass.properties}, then the embedded default).
     */
    static ServerConfig parse(String[] args, Map<String, String> env) {
        String store = null;
        String port = null;
        String bind = null;
        String sessionTtl = null;
        String streamTtl = null;
        String maxBody = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; options start with --");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option " + arg + " needs a value");
            }
            switch (name) {
                case "--store" -> store = value;
                case "--port" -> port = value;
                case "--bind" -> bind = value;
                case "--session-ttl" -> sessionTtl = value;
                case "--stream-ttl" -> streamTtl = value;
                case "--max-body" -> maxBody = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        String storeUri = store != null ? nonBlank("--store", store) : Hourglass.configuredUri();
        Duration sessions;
        if (sessionTtl != null) {
            sessions = duration("--session-ttl", sessionTtl);
        } else if (env.get("HOURGLASS_SESSION_TTL") != null) {
            sessions = duration("HOURGLASS_SESSION_TTL", env.get("HOURGLASS_SESSION_TTL"));
        } else if (env.get("REDIS_SESSION_TTL") != null) {
            sessions = Duration.ofSeconds(seconds("REDIS_SESSION_TTL", env.get("REDIS_SESSION_TTL")));
        } else {
            sessions = DEFAULT_SESSION_TTL;
        }
        return new ServerConfig(
                storeUri,
                nonBlank("--bind", pick(bind, env, "HOURGLASS_BIND", DEFAULT_BIND)),
                port("--port", pick(port, env, "HOURGLASS_PORT", Integer.toString(DEFAULT_PORT))),
                sessions,
                duration("--stream-ttl", pick(streamTtl, env, "HOURGLASS_STREAM_TTL", "30m")),
                size("--max-body", pick(maxBody, env, "HOURGLASS_MAX_BODY", Long.toString(DEFAULT_MAX_BODY))),
                help);
    }

    private static String pick(String flag, Map<String, String> env, String variable, String fallback) {
        if (flag != null) {
            return flag;
        }
        String v = env.get(variable);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String nonBlank(String option, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " must not be blank");
        }
        return value.trim();
    }

    private static int port(String option, String value) {
        try {
            int p = Integer.parseInt(value.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a port number 0..65535, was '" + value + "'");
    }

    private static long seconds(String option, String value) {
        try {
            long s = Long.parseLong(value.trim());
            if (s > 0) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive number of seconds, was '" + value + "'");
    }

    /** Seconds, a number with a unit (ms, s, m, h, d) or ISO-8601; positive and at most 10 years. */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d = null;
        try {
            if (v.startsWith("p")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else {
                int split = 0;
                while (split < v.length() && Character.isDigit(v.charAt(split))) {
                    split++;
                }
                long n = Long.parseLong(v.substring(0, split));
                d = switch (v.substring(split).trim()) {
                    case "", "s" -> Duration.ofSeconds(n);
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> null;
                };
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.toMillis() == 0 || d.compareTo(Duration.ofDays(3650)) > 0) {
            throw new IllegalArgumentException(option + " must be a positive duration of at most 3650 days "
                    + "(seconds, or 500ms, 30s, 30m, 12h, 7d, PT30M), was '" + value + "'");
        }
        return d;
    }

    /** Bytes, or a number with KiB/MiB (also k/kb, m/mb, as binary units); 1 KiB up to 1 GiB. */
    static long size(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < v.length() && Character.isDigit(v.charAt(split))) {
            split++;
        }
        long bytes = -1;
        try {
            long n = Long.parseLong(v.substring(0, split));
            long unit = switch (v.substring(split).trim()) {
                case "", "b" -> 1;
                case "k", "kb", "kib" -> 1L << 10;
                case "m", "mb", "mib" -> 1L << 20;
                default -> -1;
            };
            bytes = unit < 0 ? -1 : Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            bytes = -1;
        }
        if (bytes < 1024 || bytes > (1L << 30)) {
            throw new IllegalArgumentException(option + " must be a size from 1KiB to 1024MiB (bytes, or 512KiB, 1MiB), was '"
                    + value + "'");
        }
        return bytes;
    }
}
