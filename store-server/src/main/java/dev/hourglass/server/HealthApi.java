package dev.hourglass.server;

import dev.hourglass.Store;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /health} and {@code /metrics}: whether the store answers, and the Prometheus scrape. */
final class HealthApi {

    private final Store store;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier stopping;

    HealthApi(Store store, PrometheusMeterRegistry registry, BooleanSupplier stopping) {
        this.store = store;
        this.registry = registry;
        this.stopping = stopping;
    }

    /** GET /health: 200 when the store answers, 503 when it does not or the server is stopping. */
    void health(Call c) {
        boolean up = !stopping.getAsBoolean() && store.isHealthy();
        c.json(up ? 200 : 503, up, g -> {
            g.writeStringField("status", up ? "UP" : "DOWN");
            g.writeStringField("backend", store.backend());
        });
    }

    /** GET /metrics: the Prometheus text format. */
    void metrics(Call c) {
        c.send(
                200,
                ByteBuffer.wrap(registry.scrape().getBytes(StandardCharsets.UTF_8)),
                "text/plain; version=0.0.4; charset=utf-8");
    }
}
