package dev.hourglass.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/** {@code http.server.requests} timers tagged with method, route template and status. */
final class HttpMetrics {

    private record Key(String method, String route, int status) {}

    private final MeterRegistry registry;
    private final ConcurrentMap<Key, Timer> timers = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

    /** The method as a tag: one of the usual ones, spelled exactly (methods are case-sensitive), else OTHER. */
    private static String method(HttpString m) {
        String name = m.toString();
        return METHODS.contains(name) ? name : "OTHER";
    }

    void track(HttpServerExchange exchange, String route, long startNanos) {
        exchange.addExchangeCompleteListener((ex, next) -> {
            try {
                Key key = new Key(method(ex.getRequestMethod()), route, ex.getStatusCode());
                Timer timer = timers.get(key);
                if (timer == null) {
                    timer = timers.computeIfAbsent(
                            key,
                            k -> Timer.builder("http.server.requests")
                                    .description("HTTP requests by method, route and status")
                                    .tag("method", k.method())
                                    .tag("uri", k.route())
                                    .tag("status", Integer.toString(k.status()))
                                    .register(registry));
                }
                timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            } finally {
                next.proceed();
            }
        });
    }
}
