package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourglass.server.ServerFixture.Response;
import dev.hourglass.spi.JsonSyntax;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
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
        assertThat(http.put("/api/sessions/" + KEEP, "{\"precious\":42}").status())
                .isEqualTo(200);
        assertThat(http.post("/api/streams/" + KEEP, null).status()).isEqualTo(201);
        assertThat(http.post("/api/streams/" + KEEP + "/messages", "m1").status())
                .isEqualTo(200);
    }

    @AfterAll
    void stop() {
        if (http != null) {
            try {
                assertThat(http.get("/api/sessions/" + KEEP)
                                .data()
                                .path("sessionData")
                                .toString())
                        .isEqualTo("{\"precious\":42}");
                assertThat(http.get("/api/streams/" + KEEP)
                                .data()
                                .path("messageCount")
                                .asLong())
                        .isEqualTo(1);
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
                Arguments.of(
                        "POST",
                        seed,
                        "{\"sessionId\":\"a\",\"sessionId\":\"b\",\"sessionData\":{}}",
                        400,
                        "duplicate field 'sessionId'"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":{}} trailing", 400, "malformed JSON"),
                Arguments.of("POST", seed, "", 400, "request body is empty"),
                Arguments.of("POST", seed, "[]", 400, "request body must be a JSON object, was an array"),
                Arguments.of("POST", seed, "{\"sessionData\":{}}", 400, "sessionId is required"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\"}", 400, "sessionData is required"),
                Arguments.of(
                        "POST", seed, "{\"sessionId\":\"a\",\"sessionData\":null}", 400, "sessionData is required"),
                Arguments.of(
                        "POST",
                        seed,
                        "{\"sessionId\":7,\"sessionData\":{}}",
                        400,
                        "sessionId must be a string, was a number"),
                Arguments.of(
                        "POST",
                        seed,
                        "{\"sessionId\":\"a\",\"sessionData\":\"text\"}",
                        400,
                        "sessionData must be a JSON object, was a string"),
                Arguments.of("POST", seed, "{\"sessionId\":\"\",\"sessionData\":{}}", 400, "id must not be empty"),
                Arguments.of(
                        "POST",
                        seed,
                        "{\"sessionId\":\"" + LONG_ID + "\",\"sessionData\":{}}",
                        400,
                        "id must be at most 256 bytes"),
                Arguments.of(
                        "POST", seed, "{\"sessionId\":\"a\\u0001b\",\"sessionData\":{}}", 400, "control character"),
                Arguments.of("POST", seed, "{\"sessionId\":\"a\",\"sessionData\":{\"\":1}}", 400, "attribute name"),
                Arguments.of("GET", seed + "/" + LONG_ID, null, 400, "id must be at most 256 bytes"),
                Arguments.of("GET", seed + "/a%01b", null, 400, "control character"),
                Arguments.of("GET", seed + "/%C3%28", null, 400, "not percent-encoded UTF-8"),
                Arguments.of("PUT", seed + "/a/touch?ttl=abc", null, 400, "'ttl' must be a positive number of seconds"),
                Arguments.of("PUT", "/api/sessions/a", null, 400, "request body is empty"),
                Arguments.of("PUT", "/api/sessions/a", "[1]", 400, "session data must be a JSON object, was an array"),
                Arguments.of("PUT", "/api/sessions/a?ttl=0", "{}", 400, "'ttl' must be a positive number of seconds"),
                Arguments.of("PUT", "/api/sessions/a?ttl=999999999999", "{}", 400, "ttl must be at most 3650 days"),
                Arguments.of(
                        "PATCH",
                        "/api/sessions/" + KEEP,
                        "\"x\"",
                        400,
                        "merge patch must be a JSON object, was a string"),
                Arguments.of("PATCH", "/api/sessions/" + KEEP, "{\"precious\":", 400, "malformed JSON"),
                Arguments.of("POST", "/api/sessions", "{\"a\":1", 400, "malformed JSON"),
                Arguments.of("GET", "/api/sessions?limit=0", null, 400, "'limit' must be from 1"),
                Arguments.of("GET", "/api/sessions?limit=many", null, 400, "'limit' must be a whole number"),
                Arguments.of("POST", "/api/streams/" + LONG_ID, null, 400, "id must be at most 256 bytes"),
                Arguments.of("POST", "/api/streams/s1", "not json", 400, "malformed JSON"),
                Arguments.of("POST", "/api/streams/s1?ttl=-5", null, 400, "'ttl' must be a positive number"),
                Arguments.of("POST", "/api/streams/" + KEEP + "/fail", "{}", 400, "reason is required"),
                Arguments.of(
                        "POST", "/api/streams/" + KEEP + "/fail", "{\"reason\":5}", 400, "reason must be a string"),
                Arguments.of(
                        "GET", "/api/streams/" + KEEP + "/next", null, 400, "query parameter 'reader' is required"),
                Arguments.of(
                        "GET",
                        "/api/streams/" + KEEP + "/next?reader=" + LONG_ID,
                        null,
                        400,
                        "reader must be at most 256 bytes"),
                Arguments.of(
                        "GET",
                        "/api/streams/" + KEEP + "/next?reader=r&wait=soon",
                        null,
                        400,
                        "'wait' must be a whole number"),
                Arguments.of(
                        "GET", "/api/streams/" + KEEP + "/next?reader=r&wait=600000", null, 400, "from 0 to 60000"),
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

    static Stream<Arguments> malformedText() {
        return Stream.of(
                Arguments.of("overlong '/'", bytes("{\"a\":\"", 0xC0, 0xAF, "\"}"), "overlong UTF-8"),
                Arguments.of("overlong NUL", bytes("{\"a\":\"", 0xC0, 0x80, "\"}"), "overlong UTF-8"),
                Arguments.of("overlong three bytes", bytes("{\"a\":\"", 0xE0, 0x80, 0xAF, "\"}"), "overlong UTF-8"),
                Arguments.of("CESU-8 pair", bytes("{\"a\":\"", 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80, "\"}"), "CESU-8"),
                Arguments.of("encoded lone surrogate", bytes("{\"a\":\"", 0xED, 0xB0, 0x80, "\"}"), "CESU-8"),
                Arguments.of("CESU-8 in a name", bytes("{\"", 0xED, 0xA0, 0x80, "\":1}"), "CESU-8"),
                Arguments.of("byte 0xFF", bytes("{\"a\":\"", 0xFF, "\"}"), "not UTF-8"),
                Arguments.of("above U+10FFFF", bytes("{\"a\":\"", 0xF4, 0x90, 0x80, 0x80, "\"}"), "not UTF-8"),
                Arguments.of("cut sequence", bytes("{\"a\":\"", 0xE4, 0xB8, "\"}"), "not UTF-8"),
                Arguments.of(
                        "escaped pair reversed", bytes("{\"\\udc00k\":1,\"v\":\"x\\ud800y\"}"), "unpaired surrogate"),
                Arguments.of("escaped high alone", bytes("{\"v\":\"\\ud800\"}"), "unpaired surrogate"),
                Arguments.of("escaped high then letter", bytes("{\"v\":\"\\ud800\\u0041\"}"), "unpaired surrogate"),
                Arguments.of("escaped low alone", bytes("{\"v\":\"\\udfff\"}"), "unpaired surrogate"),
                Arguments.of(
                        "nested 513 deep",
                        bytes("{\"a\":" + "[".repeat(512) + "]".repeat(512) + "}"),
                        "nested deeper than 512 levels"),
                Arguments.of(
                        "nested 1001 deep",
                        bytes("{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}"),
                        "nested deeper than 512 levels"),
                Arguments.of(
                        "number of 1001 characters",
                        bytes("{\"a\":" + "9".repeat(1001) + "}"),
                        "longer than 1000 characters"),
                Arguments.of("exponent of 10 digits", bytes("{\"a\":1e1000000000}"), "exponent of more than 9 digits"),
                Arguments.of("byte order mark", bytes("", 0xEF, 0xBB, 0xBF, "{}"), "malformed JSON"));
    }

    /** Text that is not well-formed UTF-8 and Unicode, or JSON past a limit, is refused with our message; nothing is stored. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedText")
    void malformedTextIsRefusedAndNothingIsStored(String name, byte[] body, String error) {
        String id = "text-" + Math.abs(name.hashCode());
        Response put = http.send("PUT", "/api/sessions/" + id, HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(put.status()).as("%s", put).isEqualTo(400);
        assertThat(put.error()).contains("malformed JSON").contains(error);
        assertThat(http.get("/api/sessions/" + id).status()).isEqualTo(404);

        byte[] seed = concat(bytes("{\"sessionId\":\"" + id + "\",\"sessionData\":"), body, bytes("}"));
        if (name.equals("byte order mark")) {
            seed = body;
        }
        Response save = http.send("POST", "/api/interview/sessions", HttpRequest.BodyPublishers.ofByteArray(seed));
        assertThat(save.status()).as("%s", save).isEqualTo(400);
        assertThat(http.get("/api/interview/sessions/" + id).status()).isEqualTo(404);

        Response patch = http.send("PATCH", "/api/sessions/" + KEEP, HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(patch.status()).as("%s", patch).isEqualTo(400);
        Response open = http.send("POST", "/api/streams/" + id, HttpRequest.BodyPublishers.ofByteArray(body));
        assertThat(open.status()).as("%s", open).isEqualTo(400);
        assertThat(http.get("/api/streams/" + id).status()).isEqualTo(404);
    }

    /** One side of each JSON limit: exactly at it is stored and read back as the same JSON. */
    @Test
    void jsonAtEachLimitRoundTrips() throws Exception {
        String deepest = "[".repeat(511) + "]".repeat(511);
        String longest = "-" + "7".repeat(999);
        String exponent = "1.5e-999999999";
        String pair = "\"x\\ud83d\\ude00y\"";
        String json =
                "{\"deep\":" + deepest + ",\"long\":" + longest + ",\"exp\":" + exponent + ",\"pair\":" + pair + "}";
        assertThat(JsonSyntax.problem(json.getBytes(StandardCharsets.UTF_8))).isNull();
        Response put = http.put("/api/sessions/at-limits", json);
        assertThat(put.status()).as("%s", put).isEqualTo(200);
        JsonNode data = http.get("/api/sessions/at-limits").data().path("sessionData");
        assertThat(data.path("deep").toString()).isEqualTo(deepest);
        assertThat(data.path("long").decimalValue()).isEqualTo(new java.math.BigDecimal(longest));
        assertThat(data.path("exp").decimalValue()).isEqualTo(new java.math.BigDecimal(exponent));
        assertThat(data.path("pair").textValue()).isEqualTo("x\ud83d\ude00y");
        assertThat(http.delete("/api/sessions/at-limits").status()).isEqualTo(200);
    }

    static Stream<Arguments> badReaders() {
        return Stream.of(
                Arguments.of("%00", "control character U+0000"),
                Arguments.of("a%0Ab", "control character U+000A"),
                Arguments.of("%C2%85", "control character U+0085"),
                Arguments.of("%C0%AF", "not percent-encoded UTF-8"),
                Arguments.of("%ED%A0%80", "not percent-encoded UTF-8"),
                Arguments.of("%FF", "not percent-encoded UTF-8"),
                Arguments.of("r".repeat(257), "at most 256 bytes"),
                Arguments.of("", "query parameter 'reader' is required"));
    }

    /** A bad reader name gets the same 400 from next and from events, before any event is written. */
    @ParameterizedTest(name = "reader={0}")
    @MethodSource("badReaders")
    void badReaderNamesGetTheSame400FromNextAndEvents(String reader, String error) {
        Response next = http.get("/api/streams/" + KEEP + "/next?reader=" + reader);
        Response events = http.get("/api/streams/" + KEEP + "/events?reader=" + reader);
        assertThat(next.status()).as("%s", next).isEqualTo(400);
        assertThat(events.status()).as("%s", events).isEqualTo(400);
        assertThat(events.header("Content-Type")).startsWith("application/json");
        assertThat(next.error()).contains(error).isEqualTo(events.error());
        assertThat(events.body()).doesNotContain("event:");
    }

    @Test
    void aReaderOfExactly256BytesIsServed() {
        String reader = "\u00e9".repeat(128);
        assertThat(reader.getBytes(StandardCharsets.UTF_8)).hasSize(256);
        Response next = http.get("/api/streams/" + KEEP + "/next?reader=" + SessionApi.encode(reader));
        assertThat(next.status()).as("%s", next).isEqualTo(200);
    }

    static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String t) {
                out.writeBytes(t.getBytes(StandardCharsets.UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void aTwoMebibyteBodyGets413AndTheConnectionStillServes() {
        byte[] big = new byte[2 << 20];
        Arrays.fill(big, (byte) 'a');
        String json =
                "{\"sessionId\":\"big\",\"sessionData\":{\"blob\":\"" + new String(big, 0, big.length - 100) + "\"}}";
        Response r = http.post("/api/interview/sessions", json, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("success").asBoolean(true)).isFalse();
        assertThat(r.error()).contains("above the limit of 1048576 bytes");
        assertThat(http.get("/api/interview/sessions/big").status()).isEqualTo(404);
        assertThat(http.get("/api/sessions/" + KEEP).status()).isEqualTo(200);

        Response append =
                http.send("POST", "/api/streams/" + KEEP + "/messages", HttpRequest.BodyPublishers.ofByteArray(big));
        assertThat(append.status()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyAboveTheLimitGets413() {
        byte[] big = new byte[(1 << 20) + 1];
        Arrays.fill(big, (byte) ' ');
        Response r = http.send(
                "PATCH",
                "/api/sessions/" + KEEP,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)),
                "Content-Type",
                "application/json");
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
        assertThat(http.raw(
                        "GET /api/interview/sessions/a%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(http.raw("GET /api/streams/" + KEEP
                        + "/next?reader=%ZZ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(http.get("/api/sessions/" + KEEP).status()).isEqualTo(200);
    }

    @Test
    void methodNotAllowedNamesTheAllowedMethods() {
        Response r = http.send("PATCH", "/api/streams/" + KEEP, "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, POST, DELETE");
    }
}
