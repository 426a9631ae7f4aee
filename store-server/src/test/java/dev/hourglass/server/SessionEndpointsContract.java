package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourglass.server.ServerFixture.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The session endpoints, the seed's and /api/sessions, over real HTTP against one store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionEndpointsContract {

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

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    // ---- the seed API -------------------------------------------------------------------------

    @Test
    void seedSaveLoadTouchListDelete() {
        String id = uniqueId("seed");
        Response saved = http.post(
                "/api/interview/sessions",
                "{\"sessionId\":\"" + id + "\",\"sessionData\":"
                        + "{\"jobTitle\":\"Java 工程师\",\"overallScore\":85.50,\"tags\":[\"a\",\"b\"],\"meta\":{\"n\":null},"
                        + "\"ok\":true,\"big\":123456789012345678901234567890,\"empty\":null}}",
                "Content-Type",
                "application/json");
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.json().path("success").asBoolean()).isTrue();

        Response loaded = http.get("/api/interview/sessions/" + id);
        assertThat(loaded.status()).isEqualTo(200);
        assertThat(loaded.header("Content-Type")).startsWith("application/json");
        assertThat(loaded.json().path("success").asBoolean()).isTrue();
        assertThat(loaded.data().path("sessionId").asText()).isEqualTo(id);
        JsonNode data = loaded.data().path("sessionData");
        assertThat(data.path("jobTitle").asText()).isEqualTo("Java 工程师");
        assertThat(loaded.body()).contains("\"overallScore\":85.50").contains("123456789012345678901234567890");
        assertThat(data.path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(data.path("meta").toString()).isEqualTo("{\"n\":null}");
        assertThat(data.path("ok").asBoolean()).isTrue();
        assertThat(data.has("empty")).isTrue();
        assertThat(data.path("empty").isNull()).isTrue();
        assertThat(Instant.parse(loaded.data().path("expiresAt").asText()))
                .isEqualTo(
                        Instant.parse(loaded.data().path("createdAt").asText()).plus(Duration.ofDays(7)));

        Response list = http.get("/api/interview/sessions");
        assertThat(list.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.data().forEach(n -> ids.add(n.asText()));
        assertThat(ids).contains(id);
        assertThat(list.json().path("count").asLong()).isEqualTo(ids.size());

        http.clock.advance(Duration.ofDays(6));
        Response touched = http.put("/api/interview/sessions/" + id + "/touch", null);
        assertThat(touched.status()).isEqualTo(200);
        http.clock.advance(Duration.ofDays(6));
        assertThat(http.get("/api/interview/sessions/" + id).status()).isEqualTo(200);

        Response deleted = http.delete("/api/interview/sessions/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        Response gone = http.get("/api/interview/sessions/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("success").asBoolean()).isFalse();
        assertThat(gone.error()).contains(id);
        assertThat(http.delete("/api/interview/sessions/" + id).status()).isEqualTo(404);
        assertThat(http.put("/api/interview/sessions/" + id + "/touch", null).status())
                .isEqualTo(404);
    }

    @Test
    void seedSaveReplacesTheWholeDocumentAndKeepsCreatedAt() {
        String id = uniqueId("seed");
        http.post("/api/interview/sessions", "{\"sessionId\":\"" + id + "\",\"sessionData\":{\"a\":1,\"b\":2}}");
        String createdAt = http.get("/api/interview/sessions/" + id)
                .data()
                .path("createdAt")
                .asText();
        http.clock.advance(Duration.ofMinutes(5));
        assertThat(http.post("/api/interview/sessions", "{\"sessionId\":\"" + id + "\",\"sessionData\":{\"b\":3}}")
                        .status())
                .isEqualTo(200);
        JsonNode data = http.get("/api/interview/sessions/" + id).data();
        assertThat(data.path("sessionData").toString()).isEqualTo("{\"b\":3}");
        assertThat(data.path("createdAt").asText()).isEqualTo(createdAt);
    }

    @Test
    void seedSessionsExpireAfterSevenDays() {
        String id = uniqueId("seed");
        http.post("/api/interview/sessions", "{\"sessionId\":\"" + id + "\",\"sessionData\":{}}");
        http.clock.advance(Duration.ofDays(7).minusMillis(1));
        assertThat(http.get("/api/interview/sessions/" + id).status()).isEqualTo(200);
        http.clock.advance(Duration.ofMillis(1));
        assertThat(http.get("/api/interview/sessions/" + id).status()).isEqualTo(404);
        List<String> ids = new ArrayList<>();
        http.get("/api/interview/sessions").data().forEach(n -> ids.add(n.asText()));
        assertThat(ids).doesNotContain(id);
    }

    // ---- /api/sessions ------------------------------------------------------------------------

    @Test
    void createGeneratesAnIdAndAnswersWithLocationAndEtag() {
        Response created = http.post("/api/sessions?ttl=60", "{\"jobTitle\":\"SRE\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.data().path("sessionId").asText();
        assertThat(id).hasSizeGreaterThanOrEqualTo(22);
        assertThat(created.header("Location")).isEqualTo("/api/sessions/" + id);
        assertThat(created.header("ETag"))
                .isEqualTo("\"" + created.data().path("version").asLong() + "\"");
        Instant createdAt = Instant.parse(created.data().path("createdAt").asText());
        assertThat(Instant.parse(created.data().path("expiresAt").asText())).isEqualTo(createdAt.plusSeconds(60));

        Response got = http.get(created.header("Location"));
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.data().path("sessionData").path("jobTitle").asText()).isEqualTo("SRE");
        assertThat(got.header("ETag")).isEqualTo(created.header("ETag"));

        Response notModified = http.get("/api/sessions/" + id, "If-None-Match", created.header("ETag"));
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(http.get("/api/sessions/" + id, "If-None-Match", "\"-12345\"")
                        .status())
                .isEqualTo(200);

        http.clock.advance(Duration.ofSeconds(60));
        assertThat(http.get("/api/sessions/" + id).status()).isEqualTo(404);

        Response empty = http.post("/api/sessions", null);
        assertThat(empty.status()).isEqualTo(201);
        assertThat(empty.data().path("sessionData").size()).isZero();
        assertThat(empty.data().path("sessionId").asText()).isNotEqualTo(id);
    }

    @Test
    void putCreatesAndReplacesAndHonoursIfNoneMatchStar() {
        String id = uniqueId("put");
        Response first = http.put("/api/sessions/" + id, "{\"a\":1}", "If-None-Match", "*");
        assertThat(first.status()).isEqualTo(201);
        Response again = http.put("/api/sessions/" + id, "{\"a\":2}", "If-None-Match", "*");
        assertThat(again.status()).isEqualTo(412);
        assertThat(again.error()).contains("already exists");
        assertThat(http.get("/api/sessions/" + id)
                        .data()
                        .path("sessionData")
                        .path("a")
                        .asInt())
                .isEqualTo(1);

        Response replaced = http.put("/api/sessions/" + id + "?ttl=120", "{\"b\":2}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.data().path("sessionData").toString()).isEqualTo("{\"b\":2}");
        assertThat(replaced.header("ETag")).isNotEqualTo(first.header("ETag"));
        Instant last = Instant.parse(replaced.data().path("lastAccessedAt").asText());
        assertThat(Instant.parse(replaced.data().path("expiresAt").asText())).isEqualTo(last.plusSeconds(120));
    }

    @Test
    void compareAndSetWithIfMatch() {
        String id = uniqueId("cas");
        String etag = http.put("/api/sessions/" + id, "{\"n\":1}").header("ETag");
        String expiresAt =
                http.get("/api/sessions/" + id).data().path("expiresAt").asText();

        Response ok = http.put("/api/sessions/" + id, "{\"n\":2}", "If-Match", etag);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.data().path("expiresAt").asText()).isEqualTo(expiresAt);
        String etag2 = ok.header("ETag");
        assertThat(etag2).isNotEqualTo(etag);

        Response stale = http.put("/api/sessions/" + id, "{\"n\":3}", "If-Match", etag);
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.error()).contains("version");
        Response stalePatch = http.patch("/api/sessions/" + id, "{\"n\":4}", "If-Match", etag);
        assertThat(stalePatch.status()).isEqualTo(412);
        assertThat(http.get("/api/sessions/" + id)
                        .data()
                        .path("sessionData")
                        .path("n")
                        .asInt())
                .isEqualTo(2);

        Response patched = http.patch("/api/sessions/" + id, "{\"m\":5}", "If-Match", etag2);
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.data().path("sessionData").toString()).isEqualTo("{\"n\":2,\"m\":5}");

        assertThat(http.put("/api/sessions/" + id, "{\"n\":9}", "If-Match", "*").status())
                .isEqualTo(200);
        assertThat(http.put("/api/sessions/" + uniqueId("none"), "{}", "If-Match", "*")
                        .status())
                .isEqualTo(412);
        assertThat(http.put("/api/sessions/" + uniqueId("none"), "{}", "If-Match", "\"1\"")
                        .status())
                .isEqualTo(412);
        assertThat(http.patch("/api/sessions/" + uniqueId("none"), "{}", "If-Match", "\"1\"")
                        .status())
                .isEqualTo(412);
    }

    @Test
    void stringsStayStringsAndNumbersStayNumbers() {
        String id = uniqueId("typed");
        String doc = "{\"s\":\"123\",\"n\":123,\"t\":true,\"z\":null,\"e\":\"\",\"f\":1.50,\"q\":\"\\\"x\\\"\"}";
        assertThat(http.put("/api/sessions/" + id, doc).status()).isEqualTo(200);
        Response got = http.get("/api/sessions/" + id);
        assertThat(got.body()).contains("\"sessionData\":" + doc);
        assertThat(got.data().path("sessionData").path("s").isTextual()).isTrue();
        assertThat(got.data().path("sessionData").path("n").isNumber()).isTrue();
        Response patched = http.patch("/api/sessions/" + id, "{\"n\":\"124\",\"s\":124}");
        assertThat(patched.data().path("sessionData").path("n").isTextual()).isTrue();
        assertThat(patched.data().path("sessionData").path("s").isNumber()).isTrue();
    }

    @Test
    void patchMergesTopLevelFieldsAndKeepsTheExpiry() {
        String id = uniqueId("patch");
        Response put = http.put("/api/sessions/" + id, "{\"keep\":\"k\",\"drop\":1,\"change\":{\"x\":1}}");
        String expiresAt = put.data().path("expiresAt").asText();
        http.clock.advance(Duration.ofMinutes(1));

        Response patched = http.patch(
                "/api/sessions/" + id,
                "{\"drop\":null,\"change\":{\"y\":2},\"add\":[1,2]}",
                "Content-Type",
                "application/merge-patch+json");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.data().path("sessionData").toString())
                .isEqualTo("{\"keep\":\"k\",\"change\":{\"y\":2},\"add\":[1,2]}");
        assertThat(patched.data().path("expiresAt").asText()).isEqualTo(expiresAt);
        assertThat(patched.data().path("version").asLong())
                .isNotEqualTo(put.data().path("version").asLong());

        assertThat(http.patch("/api/sessions/" + uniqueId("none"), "{\"a\":1}").status())
                .isEqualTo(404);
    }

    @Test
    void touchMovesTheExpiryButNotTheVersion() {
        String id = uniqueId("touch");
        Response put = http.put("/api/sessions/" + id + "?ttl=60", "{\"a\":1}");
        http.clock.advance(Duration.ofSeconds(50));
        Response touched = http.post("/api/sessions/" + id + "/touch?ttl=60", null);
        assertThat(touched.status()).isEqualTo(200);
        assertThat(touched.data().path("ttlSeconds").asLong()).isEqualTo(60);
        http.clock.advance(Duration.ofSeconds(50));
        Response got = http.get("/api/sessions/" + id);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.header("ETag")).isEqualTo(put.header("ETag"));
        assertThat(http.put("/api/sessions/" + id + "/touch?ttl=600", null).status())
                .isEqualTo(200);
        http.clock.advance(Duration.ofSeconds(500));
        assertThat(http.get("/api/sessions/" + id).status()).isEqualTo(200);
        assertThat(http.post("/api/sessions/" + uniqueId("none") + "/touch", null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void deleteAnswers404WhenThereIsNothing() {
        String id = uniqueId("del");
        http.put("/api/sessions/" + id, "{}");
        assertThat(http.delete("/api/sessions/" + id).status()).isEqualTo(200);
        assertThat(http.get("/api/sessions/" + id).status()).isEqualTo(404);
        assertThat(http.delete("/api/sessions/" + id).status()).isEqualTo(404);
    }

    @Test
    void idsWithSlashesSpacesAndUnicodeRoundTrip() {
        String id = "a/b c?d#中文-" + UUID.randomUUID();
        String path = "/api/sessions/" + SessionApi.encode(id);
        assertThat(http.put(path, "{\"x\":1}").status()).isEqualTo(200);
        Response got = http.get(path);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.data().path("sessionId").asText()).isEqualTo(id);
        Response created = http.post("/api/sessions", "{}");
        assertThat(http.get(created.header("Location")).status()).isEqualTo(200);
    }

    @Test
    void listPagesThroughEveryIdOnce() {
        String prefix = uniqueId("page");
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            String id = prefix + "-" + i;
            mine.add(id);
            http.put("/api/sessions/" + id, "{}");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response page =
                    http.get("/api/sessions?limit=10" + (cursor == null ? "" : "&cursor=" + SessionApi.encode(cursor)));
            assertThat(page.status()).isEqualTo(200);
            page.data().path("ids").forEach(n -> seen.add(n.asText()));
            JsonNode next = page.data().path("next");
            cursor = next.isNull() ? null : next.asText();
            assertThat(++pages).isLessThan(10_000);
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates();
        assertThat(seen).containsAll(mine);
    }

    @Test
    void concurrentPatchesOfDifferentFieldsAllSurvive() throws Exception {
        String id = uniqueId("concurrent");
        http.put("/api/sessions/" + id, "{\"base\":true}");
        int threads = 16;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        Response r = http.patch(
                                "/api/sessions/" + id, "{\"t" + thread + "_" + i + "\":" + (thread * 1000 + i) + "}");
                        if (r.status() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(each);
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode data = http.get("/api/sessions/" + id).data().path("sessionData");
        assertThat(data.size()).isEqualTo(threads * each + 1);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < each; i++) {
                assertThat(data.path("t" + t + "_" + i).asInt())
                        .as("t%d_%d", t, i)
                        .isEqualTo(t * 1000 + i);
            }
        }
    }

    @Test
    void concurrentIncrementsWithIfMatchRetriesLoseNothing() throws Exception {
        String id = uniqueId("counter");
        http.put("/api/sessions/" + id, "{\"n\":0}");
        int threads = 8;
        int each = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                conflicts.add(pool.submit(() -> {
                    int retries = 0;
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            Response cur = http.get("/api/sessions/" + id);
                            int n = cur.data().path("sessionData").path("n").asInt();
                            Response r = http.patch(
                                    "/api/sessions/" + id, "{\"n\":" + (n + 1) + "}", "If-Match", cur.header("ETag"));
                            if (r.status() == 200) {
                                break;
                            }
                            assertThat(r.status()).isEqualTo(412);
                            retries++;
                        }
                    }
                    return retries;
                }));
            }
            for (Future<Integer> f : conflicts) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(http.get("/api/sessions/" + id)
                        .data()
                        .path("sessionData")
                        .path("n")
                        .asInt())
                .isEqualTo(threads * each);
    }

    @Test
    void healthAndMetrics() {
        Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        http.get("/api/sessions/" + uniqueId("metrics"));
        Response metrics = http.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.body())
                .contains(
                        "http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"/api/sessions/{id}\"}")
                .contains("hourglass_operations_seconds_count")
                .contains("jvm_memory_used_bytes");
    }
}
