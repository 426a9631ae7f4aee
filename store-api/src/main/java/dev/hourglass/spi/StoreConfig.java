package dev.hourglass.spi;

import dev.hourglass.ExpiryListener;
import dev.hourglass.StoreOptions;
import dev.hourglass.Sweeper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a provider gets to open a backend: the URI split into scheme, location and query
 * parameters (with {@link StoreOptions#properties()} laid over them), the options, and the sink
 * that fans expiries out to the store's listeners. The typed getters validate and name the option
 * and its value on failure. Query parameters are %-decoded strictly: a malformed escape, or escapes
 * that are not well-formed UTF-8, fail with {@link IllegalArgumentException}.
 *
 * <p>The parameter {@value #CURSOR_KEY} belongs to the store, not to the backend: it keys the check
 * on listing cursors, is left out of {@link #parameters()} and is masked by {@link #redact}.
 */
public final class StoreConfig {

    /**
     * The store parameter holding the secret (16 to 1,024 bytes) that listing cursors are sealed
     * with. Every node and restart of one deployment must share it, so a cursor issued by one is
     * accepted by the others; without it a key built into the project is used, which refuses garbage
     * and guessed cursors but not a token forged by someone who reads the source. Either way the
     * backend still validates every cursor it decodes.
     */
    public static final String CURSOR_KEY = "cursorKey";

    private final String uri;
    private final String scheme;
    private final String location;
    private final Map<String, String> parameters;
    private final StoreOptions options;
    private final ExpiryListener expirySink;
    private final String cursorKey;

    /**
     * A config for {@code uri}, which starts with {@code scheme:}. The store makes the config its
     * backend opens with this way; a backend derives configs from the one it was given with {@link
     * #withOptions} or {@link #withUri}, so expiries it reports reach the same store. Tests and the
     * contract suite use it to open a provider's backend directly.
     *
     * @param uri the store URI, starting with {@code scheme:}
     * @param scheme the provider's scheme
     * @param options the store's options
     * @param expirySink where the backend reports sessions it expired
     * @return the config
     * @throws IllegalArgumentException naming the argument when one is null or empty, when {@code uri}
     *                                  does not start with {@code scheme:}, or when a query parameter
     *                                  has a malformed %-escape
     */
    public static StoreConfig of(String uri, String scheme, StoreOptions options, ExpiryListener expirySink) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        if (expirySink == null) {
            throw new IllegalArgumentException("expirySink must not be null");
        }
        return new StoreConfig(checkedUri(uri, scheme), scheme, options, expirySink);
    }

    private static String checkedUri(String uri, String scheme) {
        if (scheme == null || scheme.isEmpty()) {
            throw new IllegalArgumentException("scheme must not be empty, was " + scheme);
        }
        if (uri == null || !uri.startsWith(scheme + ":")) {
            throw new IllegalArgumentException(
                    "uri must start with '" + scheme + ":', was " + (uri == null ? "null" : "'" + redact(uri) + "'"));
        }
        return uri;
    }

    private StoreConfig(String uri, String scheme, StoreOptions options, ExpiryListener expirySink) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.options = Objects.requireNonNull(options, "options");
        this.expirySink = Objects.requireNonNull(expirySink, "expirySink");
        String rest = uri.substring(scheme.length() + 1);
        int q = rest.indexOf('?');
        this.location = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String rawKey = eq < 0 ? pair : pair.substring(0, eq);
                String k = decode(rawKey, "the name of option '" + rawKey + "'");
                String v = eq < 0
                        ? ""
                        : decode(
                                pair.substring(eq + 1),
                                isSecret(k)
                                        ? "option '" + k + "'"
                                        : "option '" + k + "' in '" + pair.substring(eq + 1) + "'");
                params.put(k, v);
            }
        }
        params.putAll(options.properties());
        this.cursorKey = params.remove(CURSOR_KEY);
        this.parameters = Collections.unmodifiableMap(params);
    }

    private static boolean isSecret(String name) {
        return name.equalsIgnoreCase("password") || name.equalsIgnoreCase(CURSOR_KEY);
    }

    /** Form decoding ({@code +} is a space, {@code %XX} a byte), strict about escapes and UTF-8. */
    private static String decode(String s, String what) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < n ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0 || s.charAt(i + 1) > 'f' || s.charAt(i + 2) > 'f') {
                    throw new IllegalArgumentException(
                            "uri has a malformed %-escape in " + what + "; an escape is % and two hex digits");
                }
                out.write(hi << 4 | lo);
                i += 3;
            } else if (c == '+') {
                out.write(' ');
                i++;
            } else {
                int j = i;
                while (j < n && s.charAt(j) != '%' && s.charAt(j) != '+') {
                    j++;
                }
                out.writeBytes(s.substring(i, j).getBytes(StandardCharsets.UTF_8));
                i = j;
            }
        }
        String decoded = Text.decodeUtf8(out.toByteArray());
        if (decoded == null) {
            throw new IllegalArgumentException("uri has %-escapes that are not well-formed UTF-8 in " + what);
        }
        return decoded;
    }

    /**
     * This config with other options (e.g. another sweep interval): the same URI, scheme and expiry
     * sink, the parameters laid over by the new options' properties.
     *
     * @throws IllegalArgumentException naming {@code options} when it is null
     */
    public StoreConfig withOptions(StoreOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        return new StoreConfig(uri, scheme, options, expirySink);
    }

    /**
     * This config for a backend under another URI (e.g. an in-memory fallback): the same options and
     * expiry sink, so expiries it reports reach the same store's listeners.
     *
     * @throws IllegalArgumentException naming {@code uri} when it does not start with {@code scheme:},
     *                                  or when a query parameter has a malformed %-escape
     */
    public StoreConfig withUri(String uri, String scheme) {
        return new StoreConfig(checkedUri(uri, scheme), scheme, options, expirySink);
    }

    /** The URI as given (it may hold a password: use {@link #redactedUri()} in messages). */
    public String uri() {
        return uri;
    }

    /** The URI for messages and logs, every credential masked as {@link #redact} does. */
    public String redactedUri() {
        return redact(uri);
    }

    /**
     * {@code uri} (or a message holding one) for messages and logs, with every credential removed: the
     * value of each {@code password=}, {@code pwd=} (as MySQL's driver also reads it) and
     * {@code cursorKey=} parameter, and all that precedes the last {@code @} of the authority (a user
     * and password, or a password alone as in {@code redis://secret@host}) becomes {@code ****}. When a
     * password holds {@code /}, {@code ?}, {@code #} or {@code @}, more than the password is masked,
     * never less. Every backend and the server mask with this one method.
     */
    public static String redact(String uri) {
        String s = uri.replaceAll("(?i)((?:password|pwd|cursorKey)=)[^&#]*", "$1****");
        int start = s.indexOf("://");
        if (start < 0) {
            return s;
        }
        start += 3;
        int query = s.indexOf('?', start);
        int at = s.lastIndexOf('@', query < 0 ? s.length() : query);
        if (at < start) {
            at = s.lastIndexOf('@');
        }
        return at < start ? s : s.substring(0, start) + "****" + s.substring(at);
    }

    /** The matched scheme, e.g. {@code jdbc:mysql}. */
    public String scheme() {
        return scheme;
    }

    /** What follows {@code scheme:} up to the query, e.g. {@code ./data} or {@code //host:6379/0}. */
    public String location() {
        return location;
    }

    /** Query parameters overlaid with the option properties, without {@value #CURSOR_KEY}. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The secret listing cursors are sealed with, when one is configured; the store reads it. */
    public Optional<String> cursorKey() {
        return Optional.ofNullable(cursorKey);
    }

    public StoreOptions options() {
        return options;
    }

    public Clock clock() {
        return options.clock();
    }

    public Duration timeout() {
        return options.timeout();
    }

    /** Receives each expired session id; the store passes it on to its listeners. */
    public ExpiryListener expirySink() {
        return expirySink;
    }

    /** A sweeper that runs {@code task} on the options' schedule and bounds. */
    public Sweeper newSweeper(String name, SweepTask task) {
        return new DefaultSweeper(name, task, options);
    }

    /** Fails when a parameter is not one of {@code known}, listing the known ones. */
    public void requireKnown(Set<String> known) {
        for (String k : parameters.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(
                        "unknown option '" + k + "' for " + scheme + " store; known options: "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    public String string(String name, String defaultValue) {
        return parameters.getOrDefault(name, defaultValue);
    }

    public long longValue(String name, long defaultValue, long min, long max) {
        String v = parameters.get(name);
        if (v == null) {
            return defaultValue;
        }
        long n;
        try {
            n = parseSize(v.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("option '" + name + "' must be a whole number, was '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("option '" + name + "' must be " + min + ".." + max + ", was " + v);
        }
        return n;
    }

    public int intValue(String name, int defaultValue, int min, int max) {
        return (int) longValue(name, defaultValue, min, max);
    }

    public boolean booleanValue(String name, boolean defaultValue) {
        String v = parameters.get(name);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default ->
                throw new IllegalArgumentException("option '" + name + "' must be true or false, was '" + v + "'");
        };
    }

    /** A duration as {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT2S}). */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        String v = parameters.get(name);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        try {
            d = parseDuration(v.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "option '" + name + "' must be a duration like 500ms, 2s, 5m or PT2S, was '" + v + "'");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                    "option '" + name + "' must be between " + min + " and " + max + ", was " + v);
        }
        return d;
    }

    static Duration parseDuration(String v) {
        if (v.startsWith("P") || v.startsWith("p")) {
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
        String lower = v.toLowerCase(Locale.ROOT);
        String[] units = {"ms", "s", "m", "h", "d"};
        for (String u : units) {
            if (lower.endsWith(u) && !(u.equals("s") && lower.endsWith("ms"))) {
                long n = Long.parseLong(
                        lower.substring(0, lower.length() - u.length()).trim());
                return switch (u) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        }
        return Duration.ofMillis(Long.parseLong(lower));
    }

    /** A whole number with an optional k/m/g suffix (powers of 1024 for sizes: 64k = 65536). */
    static long parseSize(String v) {
        String lower = v.toLowerCase(Locale.ROOT).replace("_", "");
        long mult = 1;
        if (lower.endsWith("kib") || lower.endsWith("k")) {
            mult = 1024;
        } else if (lower.endsWith("mib") || lower.endsWith("m")) {
            mult = 1024 * 1024;
        } else if (lower.endsWith("gib") || lower.endsWith("g")) {
            mult = 1024L * 1024 * 1024;
        }
        String digits = lower.replaceAll("(kib|mib|gib|k|m|g)$", "");
        return Math.multiplyExact(Long.parseLong(digits), mult);
    }
}
