package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.server.ServerFixture.Response;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad requests get 400/404/405/413 with a JSON error naming the problem, and change nothing stored. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BadInputContract {

    static final String KEEP = "keep-me";
    static final String LONG_ID = "x".repeat(300);

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
        assertThat(http.put("/api/sessions/" + KEEP, "{\"precious\":42}").status()).isEqualTo(200);
        assertThat(http.post("/api/streams/" + KEEP, null).status()).isEqualTo(201);
        assertThat(http.post("/api/streams/" + KEEP + "/messages", "m1").status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        if (http != null) {
            try {
                assertThat(http.get("/api/sessions/" + KEEP).data().path("sessionData").toString())
                        .isEqualTo("{\"precious\":42}");
                assertThat(http.get("/api/streams/" + KEEP).data().path("messageCount").asLong()).isEqualTo(1);
            } finally {
                http.close();
            }
        }
    }

    static Stream<Arguments> badRequests() {
        String seed = "/api/interview/sessions";
        return Stream.of(
                Arguments.of("POST", seed, "{", 400, "malformed JSON"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":{}", 400, "malformed JSON"),
                Arguments.of("POST", seed, "{\"sessionId\": 'a'}", 400, "malformed JSON"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionId\":\"b\",\"sessionData\":{}}", 400, "Duplicate field"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":{}} trailing", 400, "malformed JSON"),
                Arguments.of("POST", seed, "", 400, "request body is empty"),
                Arguments.of("POST", seed, "[]", 400, "request body must be a JSON object, was an array"),
                Arguments.of("POST", seed, "{\"sessionData\":{}}", 400, "sessionId is required"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\"}", 400, "sessionData is required"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":null}", 400, "sessionData is required"),
                Arguments.of("POST", seed, "{\"sessionId\":7,\"sessionData\":{}}", 400, "sessionId must be a string, was a number"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":\"text\"}", 400,
                        "sessionData must be a JSON object, was a string"),
                Arguments.of("POST", seed, "{\"sessionId\":\"\",\"sessionData\":{}}", 400, "id must not be empty"),
                Arguments.of("POST", seed, "{\"sessionId\":\"" + LONG_ID + "\",\"sessionData\":{}}", 400,
                        "id must be at most 256 bytes"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\\u0001b\",\"sessionData\":{}}", 400, "control character"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":{\"\":1}}", 400, "attribute name"),
                Arguments.of("GET", seed + "/" + LONG_ID, null, 400, "id must be at most 256 bytes"),
                Arguments.of("GET", seed + "/a%01b", null, 400, "control character"),
                Arguments.of("GET", seed + "/%C3%28", null, 400, "not percent-encoded UTF-8"),
                Arguments.of("PUT", seed + "/a/touch?ttl=abc", null, 400, "'ttl' must be a positive number of seconds"),
                Arguments.of("PUT", "/api/sessions/a", null, 400, "request body is empty"),
                Arguments.of("PUT", "/api/sessions/a", "[1]", 400, "session data must be a JSON object, was an array"),
                Arguments.of("PUT", "/api/sessions/a?ttl=0", "{}", 400, "'ttl' must be a positive number of seconds"),
                Arguments.of("PUT", "/api/sessions/a?ttl=999999999999", "{}", 400, "ttl must be at most 3650 days"),
                Arguments.of("PATCH", "/api/sessions/" + KEEP, "\"x\"", 400, "merge patch must be a JSON object, was a string"),
                Arguments.of("PATCH", "/api/sessions/" + KEEP, "{\"precious\":", 400, "malformed JSON"),
                Arguments.of("POST", "/api/sessions", "{\"a\":1", 400, "malformed JSON"),
                Arguments.of("GET", "/api/sessions?limit=0", null, 400, "'limit' must be from 1"),
                Arguments.of("GET", "/api/sessions?limit=many", null, 400, "'limit' must be a whole number"),
                Arguments.of("POST", "/api/streams/" + LONG_ID, null, 400, "id must be at most 256 bytes"),
                Arguments.of("POST", "/api/streams/s1", "not json", 400, "malformed JSON"),
                Arguments.of("POST", "/api/streams/s1?ttl=-5", null, 400, "'ttl' must be a positive number"),
                Arguments.of("POST", "/api/streams/" + KEEP + "/fail", "{}", 400, "reason is required"),
                Arguments.of("POST", "/api/streams/" + KEEP + "/fail", "{\"reason\":5}", 400, "reason must be a string"),
                Arguments.of("GET", "/api/streams/" + KEEP + "/next", null, 400, "query parameter 'reader' is required"),
                Arguments.of("GET", "/api/streams/" + KEEP + "/next?reader=" + LONG_ID, null, 400, "reader must be at most 256 bytes"),
                Arguments.of("GET", "/api/streams/" + KEEP + "/next?reader=r&wait=soon", null, 400, "'wait' must be a whole number"),
                Arguments.of("GET", "/api/streams/" + KEEP + "/next?reader=r&wait=600000", null, 400, "from 0 to 60000"),
                Arguments.of("GET", "/api/nothing", null, 404, "no endpoint GET /api/nothing"),
                Arguments.of("GET", "/", null, 404, "no endpoint"),
                Arguments.of("POST", "/api/sessions/a/b/c", "{}", 404, "no endpoint"),
                Arguments.of("DELETE", seed, null, 405, "method DELETE is not allowed here; allowed: GET, POST"),
                Arguments.of("POST", "/health", null, 405, "allowed: GET"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("badRequests")
    void badRequestsGetAJsonErrorNamingTheProblem(String method, String path, String body, int status, String error) {
        Response r = http.send(method, path, body, "Content-Type", "application/json");
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("success").asBoolean(true)).isFalse();
        assertThat(r.error()).contains(error);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.");
    }

    @Test
    void aTwoMebibyteBodyGets413AndTheConnectionStillServes() {
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) 'a');
        String json = "{\"sessionId\":\"big\",\"sessionData\":{\"blob\":\"" + new String(big, 0, big.length - 100) + "\"}}";
        Response r = http.post("/api/interview/sessions", json, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("success").asBoolean(true)).isFalse();
        assertThat(r.error()).contains("above the limit of 1048576 bytes");
        assertThat(http.get("/api/interview/sessions/big").status()).isEqualTo(404);
        assertThat(http.get("/api/sessions/" + KEEP).status()).isEqualTo(200);

        Response append = http.send("POST", "/api/streams/" + KEEP + "/messages", HttpRequest.BodyPublishers.ofByteArray(big));
        assertThat(append.status()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyAboveTheLimitGets413() {
        byte[] big = new byte[(1 << 20) + 1];
        Arrays.fill(big, (byte) ' ');
        Response r = http.send("PATCH", "/api/sessions/" + KEEP,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)), "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).contains("above the limit");
    }

    @Test
    void aBodyOfExactlyTheLimitPassesTheHttpLayer() {
        int overhead = "{\"blob\":\"\"}".length();
        String json = "{\"blob\":\"" + "b".repeat((1 << 20) - overhead) + "\"}";
        assertThat(json.length()).isEqualTo(1 << 20);
        Response r = http.put("/api/sessions/almost-too-big", json);
        if (http.store.limits().maxSessionBytes() >= (1 << 20)) {
            assertThat(r.status()).as("%s", r.status()).isEqualTo(200);
        } else {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.error()).contains("maxSessionBytes");
        }
    }

    @Test
    void malformedIfMatchGets400() {
        Response r = http.patch("/api/sessions/" + KEEP, "{\"precious\":1}", "If-Match", "version 3");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("If-Match must be * or one ETag");
        Response both = http.put("/api/sessions/" + KEEP, "{}", "If-Match", "\"1\"", "If-None-Match", "*");
        assertThat(both.status()).isEqualTo(400);
        Response ttl = http.put("/api/sessions/" + KEEP + "?ttl=5", "{}", "If-Match", "*");
        assertThat(ttl.status()).isEqualTo(400);
        assertThat(ttl.error()).contains("cannot be combined with If-Match");
    }

    /** The HTTP parser itself refuses these before any handler runs: a bare 400, and the server goes on. */
    @Test
    void malformedPercentEncodingGets400() throws Exception {
        assertThat(http.raw("GET /api/interview/sessions/a%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(http.raw("GET /api/streams/" + KEEP + "/next?reader=%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(http.get("/api/sessions/" + KEEP).status()).isEqualTo(200);
    }

    @Test
    void methodNotAllowedNamesTheAllowedMethods() {
        Response r = http.send("PATCH", "/api/streams/" + KEEP, "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, DELETE");
    }
}
