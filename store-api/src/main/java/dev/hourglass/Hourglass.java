package dev.hourglass;

import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StoreProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Opens stores. The backend is chosen by the URI's scheme among the providers on the class path:
 * {@code memory:}, {@code chronicle:./data}, {@code redis://host:6379/0}, {@code redis-sentinel://...},
 * {@code redis-cluster://h1:7000,h2:7001}, {@code jdbc:mysql://...}, {@code jdbc:postgresql://...}.
 *
 * <pre>{@code
 * try (Store store = Hourglass.open()) {           // hourglass.store, HOURGLASS_STORE, or chronicle:./data
 *     Session s = store.sessions().create(Attributes.json(Map.of("jobTitle", "Java engineer")), Duration.ofDays(7));
 * }
 * }</pre>
 */
public final class Hourglass {

    /** System property holding the store URI. */
    public static final String PROPERTY = "hourglass.store";
    /** Environment variable holding the store URI. */
    public static final String ENVIRONMENT = "HOURGLASS_STORE";
    /** System property naming a properties file with a {@code hourglass.store} entry. */
    public static final String CONFIG_FILE_PROPERTY = "hourglass.config";
    /** The properties file looked for in the working directory, then on the class path. */
    public static final String CONFIG_FILE = "hourglass.properties";
    /** The URI used when nothing is configured: the embedded, persistent default. */
    public static final String DEFAULT_URI = "chronicle:./data";

    private static final Map<String, String> KNOWN_MODULES = new LinkedHashMap<>();

    static {
        KNOWN_MODULES.put("memory", "dev.hourglass:hourglass-api");
        KNOWN_MODULES.put("chronicle", "dev.hourglass:hourglass-chronicle");
        for (String s : List.of("redis", "rediss", "redis-sentinel", "redis-cluster")) {
            KNOWN_MODULES.put(s, "dev.hourglass:hourglass-redis");
        }
        for (String s : List.of("jdbc:mysql", "jdbc:mariadb", "jdbc:postgresql")) {
            KNOWN_MODULES.put(s, "dev.hourglass:hourglass-jdbc");
        }
    }

    private Hourglass() {}

    /**
     * Opens the configured store (see {@link #configuredUri()}) with default options.
     *
     * @throws IllegalArgumentException when the configured URI, its scheme or an option is not valid
     * @throws StoreUnavailableException when the engine cannot be reached within the timeout
     */
    public static Store open() {
        return open(configuredUri(), StoreOptions.defaults());
    }

    /**
     * Opens the store at {@code uri} with default options.
     *
     * @throws IllegalArgumentException when the URI, its scheme or an option is not valid
     * @throws StoreUnavailableException when the engine cannot be reached within the timeout
     */
    public static Store open(String uri) {
        return open(uri, StoreOptions.defaults());
    }

    /**
     * Opens the store at {@code uri}. Besides the backend's own options, the query (or
     * {@link StoreOptions#properties()}) may carry {@code cursorKey}: the secret, 16..1024 bytes,
     * that listing cursors are sealed with; every node of one deployment should share it.
     *
     * @throws IllegalArgumentException when the URI, its scheme or an option is not valid; the
     *                                  message names it and never shows a password
     */
    public static Store open(String uri, StoreOptions options) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be blank, was '" + uri + "'");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use StoreOptions.defaults()");
        }
        int surrogate = Checks.unpairedSurrogate(uri);
        if (surrogate >= 0) {
            throw new IllegalArgumentException(
                    "uri must be text without unpaired surrogates, has one at index " + surrogate);
        }
        String trimmed = uri.trim();
        Map<String, StoreProvider> providers = providers();
        String scheme = longestScheme(trimmed, providers.keySet());
        if (scheme == null) {
            throw new IllegalArgumentException(unknownScheme(trimmed, providers));
        }
        String normalized = scheme + trimmed.substring(scheme.length());
        return new DefaultStore(providers.get(scheme), normalized, scheme, options);
    }

    /**
     * Opens the store at {@code uri} with {@code provider} instead of the provider found on the class
     * path for its scheme: for a backend's own factory that builds its provider over resources the
     * application already has (a connection pool, a client). The store is the same as one
     * {@link #open(String, StoreOptions)} gives: the same checks, metrics, near cache and cursors.
     *
     * @param provider the provider that opens the backend; one of its schemes must start {@code uri}
     * @param uri the store URI
     * @param options the store's options
     * @return the open store
     * @throws IllegalArgumentException when an argument is null, when {@code uri} does not start with
     *                                  one of the provider's schemes, or when an option is not valid
     */
    public static Store open(StoreProvider provider, String uri, StoreOptions options) {
        if (provider == null) {
            throw new IllegalArgumentException("provider must not be null");
        }
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("uri must not be blank, was '" + uri + "'");
        }
        if (options == null) {
            throw new IllegalArgumentException("options must not be null; use StoreOptions.defaults()");
        }
        String scheme = longestScheme(uri, provider.schemes());
        if (scheme == null) {
            throw new IllegalArgumentException("uri must start with one of the provider's schemes "
                    + new TreeSet<>(provider.schemes()) + ", was '" + StoreConfig.redact(uri) + "'");
        }
        return new DefaultStore(provider, scheme + uri.substring(scheme.length()), scheme, options);
    }

    /** The longest of {@code schemes} that starts {@code uri} followed by {@code :}, ignoring case; null if none. */
    private static String longestScheme(String uri, Iterable<String> schemes) {
        String scheme = null;
        for (String s : schemes) {
            if (uri.regionMatches(true, 0, s + ":", 0, s.length() + 1)
                    && (scheme == null || s.length() > scheme.length())) {
                scheme = s;
            }
        }
        return scheme;
    }

    /**
     * The store URI from, in order: the system property {@code hourglass.store}, the environment
     * variable {@code HOURGLASS_STORE}, the {@code hourglass.store} entry of the properties file named
     * by {@code hourglass.config} or of {@code hourglass.properties} in the working directory or on the
     * class path; otherwise {@link #DEFAULT_URI}.
     */
    public static String configuredUri() {
        String v = System.getProperty(PROPERTY);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        v = System.getenv(ENVIRONMENT);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        String file = System.getProperty(CONFIG_FILE_PROPERTY);
        if (file != null) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException(
                        CONFIG_FILE_PROPERTY + " names a file that does not exist: '" + file + "'");
            }
            v = fromFile(p);
        } else if (Files.isRegularFile(Path.of(CONFIG_FILE))) {
            v = fromFile(Path.of(CONFIG_FILE));
        } else {
            v = fromClasspath();
        }
        return v != null && !v.isBlank() ? v.trim() : DEFAULT_URI;
    }

    private static String fromFile(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            Properties props = new Properties();
            props.load(in);
            return props.getProperty(PROPERTY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private static String fromClasspath() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (cl != null ? cl : Hourglass.class.getClassLoader()).getResourceAsStream(CONFIG_FILE)) {
            if (in == null) {
                return null;
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty(PROPERTY);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CONFIG_FILE + " from the class path", e);
        }
    }

    /** The schemes the providers on the class path open. */
    public static List<String> schemes() {
        return new ArrayList<>(providers().keySet());
    }

    private static Map<String, StoreProvider> providers() {
        Map<String, StoreProvider> byScheme = new TreeMap<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (StoreProvider p :
                ServiceLoader.load(StoreProvider.class, cl != null ? cl : Hourglass.class.getClassLoader())) {
            for (String s : p.schemes()) {
                byScheme.putIfAbsent(s.toLowerCase(Locale.ROOT), p);
            }
        }
        if (byScheme.isEmpty()) {
            for (StoreProvider p : ServiceLoader.load(StoreProvider.class, Hourglass.class.getClassLoader())) {
                for (String s : p.schemes()) {
                    byScheme.putIfAbsent(s.toLowerCase(Locale.ROOT), p);
                }
            }
        }
        return byScheme;
    }

    private static String unknownScheme(String uri, Map<String, StoreProvider> providers) {
        int colon = uri.indexOf(':');
        String given = colon < 0 ? uri : uri.substring(0, colon);
        if (given.equalsIgnoreCase("jdbc")) {
            int second = uri.indexOf(':', colon + 1);
            given = second < 0 ? uri : uri.substring(0, second);
        }
        StringBuilder sb = new StringBuilder("no store provider for scheme '")
                .append(given)
                .append("' in '")
                .append(dev.hourglass.spi.StoreConfig.redact(uri))
                .append("'.");
        String module = KNOWN_MODULES.get(given.toLowerCase(Locale.ROOT));
        if (module != null) {
            sb.append(" It is provided by ").append(module).append(", which is not on the class path.");
        }
        sb.append(" Schemes on the class path: ")
                .append(providers.isEmpty() ? "none" : String.join(", ", providers.keySet()))
                .append(". Known schemes and their modules: ");
        String sep = "";
        for (Map.Entry<String, String> e : KNOWN_MODULES.entrySet()) {
            sb.append(sep).append(e.getKey()).append(" (").append(e.getValue()).append(')');
            sep = ", ";
        }
        return sb.toString();
    }
}
