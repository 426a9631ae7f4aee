package dev.hourglass.server;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hourglass HTTP server: sessions and streams of one store over HTTP, with {@code /health} and
 * Prometheus {@code /metrics}. Run it with {@code java -jar store-server.jar [--store URI] [--port N]};
 * {@code --help} lists the options. It closes the store cleanly on SIGTERM.
 */
public final class StoreServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StoreServer.class);

    private static final long SHUTDOWN_GRACE_MS = 5_000;

    /** The most bytes of request line and headers; one more gets a bare 400 from the HTTP parser. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    /** The most header fields in a request; one more gets a bare 400 from the HTTP parser. */
    static final int MAX_HEADERS = 200;

    /** The most query parameters in a request; one more gets a bare 400 from the HTTP parser. */
    static final int MAX_QUERY_PARAMETERS = 1000;

    private final ServerConfig config;
    private final Store store;
    private final boolean ownsStore;
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final GracefulShutdownHandler graceful;
    private final Undertow undertow;
    private final InetSocketAddress address;
    private final Set<EventPump> pumps = ConcurrentHashMap.newKeySet();
    private final Admission admission;
    private volatile boolean stopping;
    private boolean closed;

    private StoreServer(ServerConfig config, Store store, boolean ownsStore, PrometheusMeterRegistry registry) {
        this.config = config;
        this.store = store;
        this.ownsStore = ownsStore;
        this.registry = registry;
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        this.admission = new Admission(config.connections());
        Router router = new Router(
                admission,
                this::stopping,
                new HealthApi(store, registry, this::stopping),
                new SessionApi(store.sessions(), config.sessionTtl()),
                new StreamApi(
                        this,
                        store.streams(),
                        config.streamTtl(),
                        config.connections().sseKeepAlive(),
                        admission),
                new SweeperApi(store.sweeper(), registry),
                new LimiterApi(store),
                new HttpMetrics(registry),
                Access.of(config.accessToken()),
                config.maxBodyBytes());
        this.graceful = new GracefulShutdownHandler(new HttpContinueReadHandler(router));
        this.undertow = Undertow.builder()
                .addHttpListener(config.port(), config.bind())
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, MAX_QUERY_PARAMETERS)
                .setHandler(graceful)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            gcMetrics.close();
            throw new IllegalStateException(
                    "cannot listen on " + config.bind() + ":" + config.port() + ": " + cause.getMessage()
                            + " (options --bind, --port)",
                    cause);
        }
        this.address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    }

    /** Opens the configured store and starts serving it. */
    static StoreServer start(ServerConfig config) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Store store = Hourglass.open(
                config.storeUri(),
                StoreOptions.builder().meterRegistry(registry).build());
        try {
            return new StoreServer(config, store, true, registry);
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
    }

    /** Serves {@code store}, which the caller opened with {@code registry} and closes itself. */
    static StoreServer start(ServerConfig config, Store store, PrometheusMeterRegistry registry) {
        return new StoreServer(config, store, false, registry);
    }

    public static void main(String[] args) {
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
        ServerConfig config;
        try {
            config = ServerConfig.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("store-server: " + e.getMessage() + " (--help lists the options)");
            System.exit(2);
            return;
        }
        if (config.help()) {
            System.out.println(ServerConfig.USAGE);
            return;
        }
        StoreServer server;
        try {
            server = start(config);
        } catch (RuntimeException e) {
            String why = ApiException.redact(String.valueOf(e.getMessage()));
            if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)
                    && ApiException.leaks(why)) {
                why = "the store cannot be opened (the cause is logged at DEBUG)";
            }
            log.error("cannot start: {}", why);
            log.debug("cannot start; cause: {}", ApiException.redactedCause(e));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "store-server-shutdown"));
        log.info(
                "serving {} on http://{}:{} (session TTL {}, stream TTL {}, request bodies up to {} bytes, {})",
                server.store.uri(),
                server.address.getHostString(),
                server.port(),
                config.sessionTtl(),
                config.streamTtl(),
                config.maxBodyBytes(),
                config.accessToken() != null
                        ? "access token required"
                        : "no access token: anyone who reaches the port reads and writes everything");
    }

    int port() {
        return address.getPort();
    }

    Store store() {
        return store;
    }

    boolean stopping() {
        return stopping;
    }

    /** The limits on connections, pending requests and streaming connections. */
    Admission admission() {
        return admission;
    }

    void register(EventPump pump) {
        pumps.add(pump);
    }

    void unregister(EventPump pump) {
        pumps.remove(pump);
    }

    /**
     * Stops taking requests, ends SSE connections (clients reconnect elsewhere), waits up to 5 s for
     * requests in flight, stops the listener and closes the store when this server opened it.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopping = true;
        graceful.shutdown();
        pumps.forEach(EventPump::stop);
        try {
            if (!graceful.awaitShutdown(SHUTDOWN_GRACE_MS)) {
                log.warn("requests still in flight after {} ms; stopping anyway", SHUTDOWN_GRACE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        if (ownsStore) {
            try {
                store.close();
                log.info("store {} closed", store.uri());
            } catch (RuntimeException e) {
                log.error("closing store {} failed", store.uri());
                log.debug("closing store {} failed; cause: {}", store.uri(), ApiException.redactedCause(e));
            }
        }
        gcMetrics.close();
        if (ownsStore) {
            registry.close();
        }
    }

    @Override
    public String toString() {
        return "StoreServer[" + store.uri() + " on " + address + "]";
    }
}
