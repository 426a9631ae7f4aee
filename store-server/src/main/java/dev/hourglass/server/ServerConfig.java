package dev.hourglass.server;

import dev.hourglass.Hourglass;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The server's settings, each from a flag, else an environment variable, else a default. Every value
 * is checked here, so a bad setting stops the start with a message naming the flag and the value.
 *
 * <p>{@code accessToken} is the shared secret every endpoint but {@code /health} then requires as a
 * bearer token ({@code null}: none). Without one the server listens only on a loopback address,
 * unless {@code insecure} says to serve anyone who reaches the port.
 */
record ServerConfig(
        String storeUri,
        String bind,
        int port,
        Duration sessionTtl,
        Duration streamTtl,
        long maxBodyBytes,
        boolean help,
        String accessToken,
        boolean insecure,
        Connections connections) {

    static final String TOKEN_VARIABLE = "HOURGLASS_ACCESS_TOKEN";
    static final String TOKEN_FILE_VARIABLE = "HOURGLASS_ACCESS_TOKEN_FILE";
    static final String INSECURE_VARIABLE = "HOURGLASS_INSECURE";
    static final int MIN_TOKEN_CHARS = 16;
    static final int MAX_TOKEN_CHARS = 4096;

    /**
     * Refuses a non-loopback {@code bind} without an access token unless {@code insecure}.
     *
     * @throws IllegalArgumentException naming {@code --bind} and what to do
     */
    ServerConfig {
        if (accessToken == null && !insecure && !loopback(bind)) {
            throw new IllegalArgumentException(
                    "refusing to listen on " + bind + " (--bind) without an access token: set " + TOKEN_VARIABLE
                            + " or --access-token-file, or pass --insecure to serve anyone who reaches the port");
        }
    }

    /** Settings without an access token, on a loopback address. */
    ServerConfig(
            String storeUri,
            String bind,
            int port,
            Duration sessionTtl,
            Duration streamTtl,
            long maxBodyBytes,
            boolean help) {
        this(storeUri, bind, port, sessionTtl, streamTtl, maxBodyBytes, help, null, false, Connections.DEFAULTS);
    }

    static final int DEFAULT_PORT = 3001;
    static final String DEFAULT_BIND = "127.0.0.1";
    static final Duration DEFAULT_SESSION_TTL = Duration.ofDays(7);
    static final Duration DEFAULT_STREAM_TTL = Duration.ofMinutes(30);
    static final long DEFAULT_MAX_BODY = 1 << 20;

    static final String USAGE = String.join(
            "\n",
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
            "  --access-token-file PATH",
            "                       file holding the access token every endpoint but /health then requires as",
            "                       'Authorization: Bearer <token>' (" + TOKEN_FILE_VARIABLE
                    + "; or the token itself in",
            "                       " + TOKEN_VARIABLE + "); " + MIN_TOKEN_CHARS + " to " + MAX_TOKEN_CHARS
                    + " printable ASCII characters",
            "  --insecure           allow a non-loopback --bind without an access token (" + INSECURE_VARIABLE
                    + "=true)",
            String.join("\n", Connections.USAGE),
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
        String tokenFile = null;
        boolean help = false;
        boolean insecure = false;
        Map<String, String> connections = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals("--insecure")) {
                insecure = true;
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
                case "--access-token-file" -> tokenFile = value;
                default -> {
                    if (!Connections.FLAGS.contains(name)) {
                        throw new IllegalArgumentException("unknown option " + name);
                    }
                    connections.put(name, value);
                }
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
                help,
                accessToken(tokenFile, env),
                insecure || flag(INSECURE_VARIABLE, env.get(INSECURE_VARIABLE)),
                Connections.parse(connections, env));
    }

    /** The token from {@code --access-token-file}, else the file named by the environment, else the variable. */
    private static String accessToken(String fileFlag, Map<String, String> env) {
        String variable = env.get(TOKEN_VARIABLE);
        String file = fileFlag != null ? fileFlag : env.get(TOKEN_FILE_VARIABLE);
        String fileOption = fileFlag != null ? "--access-token-file" : TOKEN_FILE_VARIABLE;
        if (file != null && variable != null && !variable.isEmpty()) {
            throw new IllegalArgumentException(
                    "give the access token in " + TOKEN_VARIABLE + " or in a file (" + fileOption + "), not both");
        }
        if (file != null) {
            if (file.isBlank()) {
                throw new IllegalArgumentException(fileOption + " must not be blank");
            }
            String content;
            try {
                content = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(
                        fileOption + " names a file that cannot be read as UTF-8 text, was '" + file + "'");
            }
            return token(fileOption + " '" + file + "'", content.strip());
        }
        if (variable == null) {
            return null;
        }
        return token(TOKEN_VARIABLE, variable.strip());
    }

    /** A token of 16 to 4096 printable ASCII characters, without spaces; the message never shows the token. */
    private static String token(String source, String token) {
        if (token.length() < MIN_TOKEN_CHARS || token.length() > MAX_TOKEN_CHARS) {
            throw new IllegalArgumentException("the access token from " + source + " must be " + MIN_TOKEN_CHARS
                    + " to " + MAX_TOKEN_CHARS + " characters, was " + token.length());
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("the access token from " + source
                        + " must be printable ASCII without spaces; character " + i + " is not");
            }
        }
        return token;
    }

    private static boolean flag(String option, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(option + " must be true or false, was '" + value + "'");
        };
    }

    /** Whether {@code bind} is a loopback address (a name resolving to one counts). */
    static boolean loopback(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** The settings, with the access token shown as set or not, never itself. */
    @Override
    public String toString() {
        return "ServerConfig[store=" + storeUri + ", bind=" + bind + ", port=" + port + ", sessionTtl=" + sessionTtl
                + ", streamTtl=" + streamTtl + ", maxBodyBytes=" + maxBodyBytes + ", accessToken="
                + (accessToken == null ? "none" : "****") + ", insecure=" + insecure + "]";
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
            throw new IllegalArgumentException(
                    option + " must be a size from 1KiB to 1024MiB (bytes, or 512KiB, 1MiB), was '" + value + "'");
        }
        return bytes;
    }
}
