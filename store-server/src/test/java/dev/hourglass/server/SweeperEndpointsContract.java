package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourglass.server.ServerFixture.Response;
import java.time.OffsetDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sweeper's operator endpoints over real HTTP against one store on the real clock: sessions with
 * a TTL of one second are removed by a run asked for over HTTP and by a run the schedule makes, and the
 * status numbers follow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SweeperEndpointsContract {

    ServerFixture http;

    abstract String storeUri();

    @BeforeAll
    void start() {
        http = ServerFixture.onRealClock(storeUri());
    }

    @AfterAll
    void stop() {
        http.close();
    }

    private JsonNode ok(Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        return r.json();
    }

    /** Puts {@code n} sessions under {@code prefix} that expire in one second, and waits until they have. */
    private void expired(String prefix, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            assertThat(http.put("/api/sessions/" + prefix + i + "?ttl=1", "{\"v\":" + i + "}")
                            .status())
                    .isEqualTo(200);
        }
        Thread.sleep(1_300);
    }

    private static double sweeps(String metrics, String outcome) {
        Matcher m = Pattern.compile(
                        "(?m)^hourglass_server_sweeps_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*\\} (\\S+)$")
                .matcher(metrics);
        assertThat(m.find()).as("sweeps counter in metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void runNowRemovesExpiredSessionsAndTheStatusCountsThem() throws InterruptedException {
        ok(http.post("/api/sweeper/stop", null));
        JsonNode before = ok(http.get("/api/sweeper/status"));
        assertThat(before.path("running").asBoolean(true)).isFalse();
        assertThat(before.path("next_run_time").isNull()).isTrue();
        assertThat(before.path("message").asText()).isEqualTo("sweeper stopped");
        double okBefore = sweeps(http.get("/metrics").body(), "success");
        long totalBefore = before.path("removed_total").asLong();

        expired("run-", 7);
        assertThat(ok(http.put("/api/sessions/run-live?ttl=600", "{\"v\":true}"))
                        .path("success")
                        .asBoolean())
                .isTrue();
        JsonNode run = ok(http.post("/api/sweeper/run", null));
        assertThat(run.path("success").asBoolean()).as("%s", run).isTrue();
        assertThat(run.path("removed_last_run").asLong()).as("%s", run).isGreaterThanOrEqualTo(7);
        assertThat(run.path("removed_total").asLong())
                .isEqualTo(totalBefore + run.path("removed_last_run").asLong());
        assertThat(run.path("backlog").asLong()).isZero();
        assertThat(run.path("last_error").isNull()).isTrue();
        assertThat(run.path("message").asText())
                .isEqualTo("sweep finished, removed "
                        + run.path("removed_last_run").asLong());
        OffsetDateTime lastRun = OffsetDateTime.parse(run.path("last_run_time").asText());
        OffsetDateTime called = OffsetDateTime.parse(run.path("call_time").asText());
        assertThat(lastRun).isAfterOrEqualTo(called.minusSeconds(1));
        for (int i = 0; i < 7; i++) {
            assertThat(http.store.sessions().get("run-" + i)).isEmpty();
        }
        assertThat(http.get("/api/sessions/run-live").status()).isEqualTo(200);

        JsonNode again = ok(http.post("/api/sweeper/run", null));
        assertThat(again.path("removed_last_run").asLong()).isZero();
        assertThat(again.path("removed_total").asLong())
                .isEqualTo(run.path("removed_total").asLong());
        JsonNode status = ok(http.get("/api/sweeper/status"));
        assertThat(status.path("removed_total").asLong())
                .isEqualTo(run.path("removed_total").asLong());
        assertThat(status.path("last_run_time").asText())
                .isEqualTo(again.path("last_run_time").asText());
        assertThat(status.has("call_time")).isFalse();
        assertThat(sweeps(http.get("/metrics").body(), "success")).isEqualTo(okBefore + 2);
        assertThat(http.get("/metrics").body()).contains("hourglass_sweeper_removed_total");
    }

    @Test
    void startWithAnIntervalRunsOnScheduleAndStopEndsIt() throws InterruptedException {
        JsonNode started = ok(http.post("/api/sweeper/start?interval=1", null));
        assertThat(started.path("running").asBoolean()).as("%s", started).isTrue();
        assertThat(started.path("interval_seconds").asDouble()).isEqualTo(1.0);
        assertThat(started.path("job_name").asText()).isEqualTo("expiry sweep (every 1 s)");
        assertThat(started.path("message").asText()).isEqualTo("sweeper started, every 1 s");
        OffsetDateTime next = OffsetDateTime.parse(started.path("next_run_time").asText());
        assertThat(next)
                .isBetween(
                        OffsetDateTime.now().minusSeconds(1),
                        OffsetDateTime.now().plusSeconds(3));
        long totalBefore = started.path("removed_total").asLong();

        expired("sched-", 5);
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonNode status = ok(http.get("/api/sweeper/status"));
        while (status.path("removed_total").asLong() < totalBefore + 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = ok(http.get("/api/sweeper/status"));
        }
        assertThat(status.path("removed_total").asLong()).as("%s", status).isGreaterThanOrEqualTo(totalBefore + 5);
        assertThat(status.path("running").asBoolean()).isTrue();
        assertThat(status.path("last_run_time").isTextual()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(http.store.sessions().get("sched-" + i)).isEmpty();
        }

        JsonNode restarted = ok(http.post("/api/sweeper/start?interval=3600", null));
        assertThat(restarted.path("interval_seconds").asDouble()).isEqualTo(3600.0);
        assertThat(OffsetDateTime.parse(restarted.path("next_run_time").asText()))
                .isAfter(OffsetDateTime.now().plusMinutes(59));

        JsonNode stopped = ok(http.post("/api/sweeper/stop", null));
        assertThat(stopped.path("running").asBoolean(true)).isFalse();
        assertThat(stopped.path("next_run_time").isNull()).isTrue();
        long totalStopped = stopped.path("removed_total").asLong();
        expired("stopped-", 3);
        Thread.sleep(1_000);
        JsonNode idle = ok(http.get("/api/sweeper/status"));
        assertThat(idle.path("running").asBoolean(true)).isFalse();
        assertThat(idle.path("removed_total").asLong()).isEqualTo(totalStopped);
        assertThat(ok(http.post("/api/sweeper/run", null))
                        .path("removed_last_run")
                        .asLong())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void badIntervalsAre400AndChangeNothing() {
        ok(http.post("/api/sweeper/stop", null));
        for (String bad : new String[] {"0", "-1", "abc", "1.5", "", "604801", "99999999999999999999"}) {
            Response r = http.post("/api/sweeper/start?interval=" + bad, null);
            ErrorBodiesTest.assertOurError(r, 400);
            assertThat(r.error()).contains("'interval'");
        }
        assertThat(ok(http.get("/api/sweeper/status")).path("running").asBoolean(true))
                .isFalse();
        JsonNode longest = ok(http.post("/api/sweeper/start?interval=604800", null));
        assertThat(longest.path("interval_seconds").asDouble()).isEqualTo(604800.0);
        ok(http.post("/api/sweeper/stop", null));
        assertThat(http.get("/api/sweeper/run").status()).isEqualTo(405);
        assertThat(http.post("/api/sweeper/status", null).status()).isEqualTo(405);
    }
}
