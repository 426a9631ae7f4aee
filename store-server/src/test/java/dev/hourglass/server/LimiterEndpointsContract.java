package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.server.ServerFixture.Response;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The limiter endpoints over real HTTP against one store on a fake clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LimiterEndpointsContract {

    ServerFixture http;

    abstract String storeUri();

    /** What the store runs on, closed after it. */
    List<AutoCloseable> engines() {
        return List.of();
    }

    @BeforeAll
    void start() {
        List<AutoCloseable> engines = engines();
        http = new ServerFixture(storeUri());
        http.closeAfter.addAll(engines);
    }

    @AfterAll
    void stop() {
        if (http != null) {
            http.close();
        }
    }

    static String key() {
        return "tenant-" + UUID.randomUUID();
    }

    @Test
    void aQuotaAnswers200ThenA429WithRetryAfterAndRateLimitHeaders() {
        String path = "/api/limits/quota/daily-api/" + key() + "?limit=2&window=60";
        Response first = http.post(path, null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("success").asBoolean()).isTrue();
        assertThat(first.data().path("admitted").asBoolean()).isTrue();
        assertThat(first.data().path("remaining").asLong()).isEqualTo(1);
        assertThat(first.header("RateLimit-Policy")).isEqualTo("\"daily-api\";q=2;w=60");
        assertThat(first.header("RateLimit")).isEqualTo("\"daily-api\";r=1;t=60");
        assertThat(first.header("Retry-After")).isNull();
        http.clock.advance(Duration.ofSeconds(15));
        assertThat(http.post(path, null).status()).isEqualTo(200);
        Response refused = http.post(path, null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("45");
        assertThat(refused.header("RateLimit")).isEqualTo("\"daily-api\";r=0;t=45");
        assertThat(refused.json().path("success").asBoolean()).isFalse();
        assertThat(refused.error()).contains("daily-api");
        assertThat(refused.data().path("retryAfterMs").asLong()).isEqualTo(45_000);
        http.clock.advance(Duration.ofSeconds(45));
        assertThat(http.post(path, null).status()).isEqualTo(200);
    }

    @Test
    void aCalendarQuotaResetsAtLocalMidnight() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        http.clock.set(LocalDateTime.of(2026, 5, 1, 23, 59, 30).atZone(shanghai).toInstant());
        String path = "/api/limits/quota/per-day/" + key() + "?limit=1&period=day&zone=Asia/Shanghai";
        assertThat(http.post(path, null).status()).isEqualTo(200);
        Response refused = http.post(path, null);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("30");
        assertThat(refused.header("RateLimit-Policy")).isEqualTo("\"per-day\";q=1;w=86400");
        http.clock.advance(Duration.ofSeconds(30));
        assertThat(http.post(path, null).status()).isEqualTo(200);
    }

    @Test
    void aSlidingWindowCountsEveryRequestOfOneMillisecond() throws Exception {
        String path = "/api/limits/window/per-user/" + key() + "?limit=50&window=10";
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 80; i++) {
                all.add(pool.submit(() -> {
                    Response r = http.post(path, null);
                    (r.status() == 200 ? admitted : refused).incrementAndGet();
                    if (r.status() == 429) {
                        assertThat(r.header("Retry-After")).isEqualTo("10");
                    }
                }));
            }
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted.get()).isEqualTo(50);
        assertThat(refused.get()).isEqualTo(30);
        Response approximate = http.post(
                "/api/limits/window/per-user-approx/" + key() + "?limit=5&window=10&mode=approximate&n=5", null);
        assertThat(approximate.status()).isEqualTo(200);
        assertThat(approximate.data().path("remaining").asLong()).isZero();
    }

    @Test
    void aBucketTakesManyAndSaysHowLongToWait() {
        String path = "/api/limits/bucket/uploads/" + key() + "?capacity=10&refill=1&period=2";
        Response all = http.post(path + "&n=10", null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.header("RateLimit")).isEqualTo("\"uploads\";r=0;t=20");
        Response three = http.post(path + "&n=3", null);
        assertThat(three.status()).isEqualTo(429);
        assertThat(three.header("Retry-After")).isEqualTo("6");
        http.clock.advance(Duration.ofSeconds(6));
        assertThat(http.post(path + "&n=3", null).status()).isEqualTo(200);
    }

    @Test
    void permitsAreAcquiredRenewedReleasedAndLapse() {
        String base = "/api/permits/workflow-slots/" + key();
        Response a = http.post(base + "?max=2&lease=30", null);
        assertThat(a.status()).isEqualTo(200);
        String id = a.data().path("permitId").asText();
        assertThat(id).hasSize(22);
        assertThat(a.header("RateLimit-Policy")).isEqualTo("\"workflow-slots\";q=2;w=30");
        assertThat(http.post(base + "?max=2&lease=30", null).status()).isEqualTo(200);
        Response full = http.post(base + "?max=2&lease=30", null);
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.header("Retry-After")).isEqualTo("30");
        assertThat(http.get(base).data().path("inUse").asLong()).isEqualTo(2);

        http.clock.advance(Duration.ofSeconds(20));
        assertThat(http.put(base + "/" + id + "?lease=30", null).status()).isEqualTo(200);
        http.clock.advance(Duration.ofSeconds(15));
        assertThat(http.get(base).data().path("inUse").asLong())
                .as("the other lease lapsed, the renewed one lives")
                .isEqualTo(1);
        Response released = http.delete(base + "/" + id);
        assertThat(released.status()).isEqualTo(200);
        assertThat(released.data().path("released").asBoolean()).isTrue();
        Response again = http.delete(base + "/" + id);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.data().path("released").asBoolean()).isFalse();
        assertThat(http.put(base + "/" + id + "?lease=30", null).status()).isEqualTo(404);
        assertThat(http.get(base).data().path("inUse").asLong()).isZero();
    }

    @Test
    void badParametersAre400sNamingTheParameter() {
        String k = key();
        assertBad("/api/limits/quota/q/" + k + "?window=60", "limit");
        assertBad("/api/limits/quota/q/" + k + "?limit=0&window=60", "limit");
        assertBad("/api/limits/quota/q/" + k + "?limit=5&window=0", "window");
        assertBad("/api/limits/quota/q/" + k + "?limit=5&window=-3", "window");
        assertBad("/api/limits/quota/q/" + k + "?limit=5&window=60&n=6", "n");
        assertBad("/api/limits/quota/q/" + k + "?limit=5&period=fortnight&zone=UTC", "period");
        assertBad("/api/limits/quota/q/" + k + "?limit=5&period=day&zone=Mars/Olympus", "zone");
        assertBad("/api/limits/quota/bad:name/" + k + "?limit=5&window=60", "name");
        assertBad("/api/limits/window/w/" + k + "?limit=5&window=60&mode=roughly", "mode");
        assertBad("/api/limits/bucket/b/" + k + "?capacity=5&refill=0&period=1", "refill");
        assertBad("/api/permits/p/" + k + "?max=0&lease=30", "max");
        assertBad("/api/permits/p/" + k + "?max=1&lease=0", "lease");
        assertBad("/api/limits/quota/q/" + "x".repeat(181) + "?limit=5&window=60", "key");
        Response noLease = http.put("/api/permits/p/" + k + "/some-id", null);
        assertThat(noLease.status()).isEqualTo(400);
        assertThat(noLease.error()).contains("'lease'");
    }

    private void assertBad(String path, String parameter) {
        Response r = http.post(path, null);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.error()).as(path).containsPattern("(^|')" + parameter + "(' | )");
        assertThat(r.error()).doesNotContain("Exception").doesNotContain("dev.hourglass");
    }

    @Test
    void decisionsAreCountedPerNameInMetrics() {
        String path = "/api/limits/quota/metered/" + key() + "?limit=1&window=60";
        http.post(path, null);
        http.post(path, null);
        http.post(path, null);
        String scrape = http.get("/metrics").body();
        Set<String> lines = ConcurrentHashMap.newKeySet();
        for (String line : scrape.split("\n")) {
            if (line.startsWith("hourglass_limiter_decisions_total") && line.contains("name=\"metered\"")) {
                lines.add(line.replaceAll(",?backend=\"[^\"]*\"", ""));
            }
        }
        assertThat(lines).anyMatch(l -> l.contains("outcome=\"admitted\"") && l.endsWith(" 1.0"));
        assertThat(lines).anyMatch(l -> l.contains("outcome=\"refused\"") && l.endsWith(" 2.0"));
    }
}
