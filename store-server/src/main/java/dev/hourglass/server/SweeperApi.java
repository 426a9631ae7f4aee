package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.hourglass.Sweeper;
import dev.hourglass.SweeperStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Operator endpoints for the store's expiry sweeper, in the shape of the seed's scheduler API: start
 * with an interval, stop, run now and read the status. Each answers the status after it acted:
 * {@code running}, {@code job_name}, {@code interval_seconds}, {@code last_run_time},
 * {@code next_run_time}, {@code removed_last_run}, {@code removed_total}, {@code backlog},
 * {@code last_error} and a {@code message}; a run adds {@code call_time}. Runs asked over HTTP are
 * counted in {@code hourglass.server.sweeps} by outcome.
 */
final class SweeperApi {

    /** The longest interval {@code start} takes: one week. */
    static final long MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

    private final Optional<Sweeper> sweeper;
    private final Counter sweepsOk;
    private final Counter sweepsFailed;

    SweeperApi(Optional<Sweeper> sweeper, MeterRegistry registry) {
        this.sweeper = sweeper;
        this.sweepsOk = sweeps(registry, "success");
        this.sweepsFailed = sweeps(registry, "error");
    }

    private static Counter sweeps(MeterRegistry registry, String outcome) {
        return Counter.builder("hourglass.server.sweeps")
                .description("Sweeper runs asked for over HTTP")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** POST /api/sweeper/start[?interval=seconds]: schedules runs (at the store's interval without one). */
    void start(Call c) {
        Sweeper s = sweeper();
        String v = c.query("interval");
        if (v == null) {
            s.start();
        } else {
            s.start(Duration.ofSeconds(interval(v)));
        }
        SweeperStatus st = s.status();
        reply(c, st, "sweeper started, every " + seconds(st.interval()) + " s", null);
    }

    /** POST /api/sweeper/stop: stops scheduling; a run in progress finishes its batch. */
    void stop(Call c) {
        Sweeper s = sweeper();
        s.stop();
        reply(c, s.status(), "sweeper stopped", null);
    }

    /** POST /api/sweeper/run: one run now on this request's thread; {@code success} false when it failed. */
    void run(Call c) {
        Instant called = Instant.now();
        SweeperStatus st = sweeper().runNow();
        (st.lastError().isPresent() ? sweepsFailed : sweepsOk).increment();
        reply(
                c,
                st,
                st.lastError().isPresent()
                        ? "sweep failed: " + st.lastError().get()
                        : "sweep finished, removed " + st.removedLastRun(),
                called);
    }

    /** GET /api/sweeper/status: the status as it is. */
    void status(Call c) {
        SweeperStatus st = sweeper().status();
        reply(c, st, st.running() ? "sweeper running" : "sweeper stopped", null);
    }

    private Sweeper sweeper() {
        return sweeper.orElseThrow(() -> new ApiException(404, "this store has no sweeper"));
    }

    private static long interval(String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 1 && n <= MAX_INTERVAL_SECONDS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(
                400,
                "query parameter 'interval' must be a whole number of seconds from 1 to " + MAX_INTERVAL_SECONDS
                        + ", was '" + Paths.abbreviate(v) + "'");
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
    }

    private static void reply(Call c, SweeperStatus st, String message, Instant called) {
        c.json(200, st.lastError().isEmpty() || called == null, g -> {
            g.writeStringField("message", message);
            g.writeBooleanField("running", st.running());
            g.writeStringField("job_name", "expiry sweep (every " + seconds(st.interval()) + " s)");
            g.writeFieldName("interval_seconds");
            g.writeNumber(st.interval().toMillis() / 1000.0);
            time(g, "last_run_time", st.lastRun());
            time(g, "next_run_time", st.running() ? st.nextRun() : Optional.empty());
            g.writeNumberField("removed_last_run", st.removedLastRun());
            g.writeNumberField("removed_total", st.removedTotal());
            g.writeNumberField("backlog", st.backlog());
            if (st.lastError().isPresent()) {
                g.writeStringField("last_error", st.lastError().get());
            } else {
                g.writeNullField("last_error");
            }
            if (called != null) {
                g.writeStringField(
                        "call_time",
                        called.atZone(ZoneId.systemDefault()).toOffsetDateTime().toString());
            }
        });
    }

    /** An instant as ISO-8601 with the server's offset, as the seed writes its times, or null. */
    private static void time(JsonGenerator g, String field, Optional<Instant> t) throws IOException {
        if (t.isPresent()) {
            g.writeStringField(
                    field,
                    t.get().atZone(ZoneId.systemDefault()).toOffsetDateTime().toString());
        } else {
            g.writeNullField(field);
        }
    }
}
