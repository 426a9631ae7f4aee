package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.CorruptDataException;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.server.ServerFixture.Response;
import dev.hourglass.testkit.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every error path the HTTP API can reach answers a JSON error of our own: no Java class names, no
 * stack frames, no connection strings, no engine host and port, no passwords, in the body or in the
 * log lines the failure writes.
 */
class ErrorBodiesTest {

    static final String PASSWORD = "pw-" + Long.toHexString(System.nanoTime()) + "-secret";

    /** What internals look like, checked independently of the server's own guard. */
    static final Pattern INTERNALS = Pattern.compile(String.join(
            "|",
            "(?:\\b[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*",
            "Exception",
            "\\bError:",
            "\\tat ",
            "\\bat [a-z]+\\.",
            "`",
            "java\\.",
            "javax\\.",
            "com\\.fasterxml",
            "io\\.lettuce",
            "io\\.undertow",
            "org\\.xnio",
            "getMax\\w*\\(\\)",
            "JsonNode",
            "BigDecimal",
            "StreamReadConstraints",
            "://",
            "\\b127\\.0\\.0\\.1:\\d+",
            "localhost:\\d+"));

    static void assertNoInternals(String text, String... secrets) {
        assertThat(INTERNALS.matcher(text).find()).as("internals in: %s", text).isFalse();
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
        }
    }

    static void assertOurError(Response r, int status, String... secrets) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("success").asBoolean(true)).isFalse();
        assertThat(r.error()).isNotBlank();
        assertNoInternals(r.body(), secrets);
    }

    /** Requests that reach each error path a client can reach with the store healthy. */
    static List<Object[]> clientErrors() {
        String deep = "{\"a\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        return List.of(
                new Object[] {"PUT", "/api/sessions/a", deep.getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {"PUT", "/api/sessions/a", "{\"a\":1e99999999999}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "PUT", "/api/sessions/a", ("{\"a\":" + "1".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8), 400
                },
                new Object[] {"PUT", "/api/sessions/a", "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {"PUT", "/api/sessions/a", "[1]".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {"PUT", "/api/sessions/a", "{\"a\":".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "PUT", "/api/sessions/a", new byte[] {'{', '"', (byte) 0xC0, (byte) 0xAF, '"', ':', '1', '}'}, 400
                },
                new Object[] {"PUT", "/api/sessions/a", "{\"\\ud800\":1}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {"PUT", "/api/sessions/a", "{\"\":1}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "PUT",
                    "/api/sessions/a",
                    ("{\"" + "n".repeat(60_000) + "\":1}").getBytes(StandardCharsets.UTF_8),
                    400
                },
                new Object[] {
                    "POST",
                    "/api/interview/sessions",
                    "{\"sessionId\":{},\"sessionData\":{}}".getBytes(StandardCharsets.UTF_8),
                    400
                },
                new Object[] {
                    "POST",
                    "/api/interview/sessions",
                    "{\"sessionId\":\"x\",\"sessionData\":[]}".getBytes(StandardCharsets.UTF_8),
                    400
                },
                new Object[] {"PUT", "/api/sessions/a%00", "{}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "PUT", "/api/sessions/a?ttl=99999999999999999999", "{}".getBytes(StandardCharsets.UTF_8), 400
                },
                new Object[] {"PUT", "/api/sessions/a?ttl=9999999999", "{}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "PUT", "/api/sessions/a", "{}".getBytes(StandardCharsets.UTF_8), 400, "If-Match", "W/\"1\""
                },
                new Object[] {"PUT", "/api/sessions/a", "{}".getBytes(StandardCharsets.UTF_8), 412, "If-Match", "\"1\""
                },
                new Object[] {"GET", "/api/sessions?limit=-1", null, 400},
                new Object[] {"GET", "/api/sessions?limit=10&cursor=-2147483648:a", null, 400},
                new Object[] {"GET", "/api/sessions?limit=10&cursor=java.lang.String", null, 400},
                new Object[] {"GET", "/api/sessions/nobody", null, 404},
                new Object[] {"GET", "/api/sessions/java.lang.NullPointerException", null, 404},
                new Object[] {"GET", "/api/sessions/10.0.0.1:6379", null, 404},
                new Object[] {"GET", "/api/streams/none/next?reader=r", null, 404},
                new Object[] {"GET", "/api/streams/none/events?reader=r", null, 404},
                new Object[] {"GET", "/api/streams/s/next?reader=%ED%A0%80", null, 400},
                new Object[] {"GET", "/api/streams/s/next?reader=r&wait=1e3", null, 400},
                new Object[] {"POST", "/api/streams/s", null, 409},
                new Object[] {"POST", "/api/streams/closed/messages", "m".getBytes(StandardCharsets.UTF_8), 409},
                new Object[] {"POST", "/api/streams/s/fail", "{\"reason\":[]}".getBytes(StandardCharsets.UTF_8), 400},
                new Object[] {
                    "POST",
                    "/api/streams/s/fail",
                    ("{\"reason\":\"" + "r".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8),
                    400
                },
                new Object[] {"PATCH", "/api/streams/s", null, 405},
                new Object[] {"GET", "/api/nothing/java.lang.String", null, 404},
                new Object[] {"POST", "/api/sessions", new byte[2 << 20], 413});
    }

    @Test
    void everyClientErrorIsOurs() {
        try (ServerFixture http = new ServerFixture("memory:")) {
            assertThat(http.post("/api/streams/s", null).status()).isEqualTo(201);
            assertThat(http.post("/api/streams/closed", null).status()).isEqualTo(201);
            assertThat(http.post("/api/streams/closed/complete", null).status()).isEqualTo(200);
            for (Object[] c : clientErrors()) {
                String[] headers = new String[c.length - 4];
                for (int k = 4; k < c.length; k++) {
                    headers[k - 4] = (String) c[k];
                }
                HttpRequest.BodyPublisher body = c[2] == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray((byte[]) c[2]);
                Response r = http.send((String) c[0], (String) c[1], body, headers);
                assertOurError(r, (Integer) c[3]);
            }
        }
    }

    /** Failures of the store of every kind, with messages full of internals, become our own 5xx answers. */
    @Test
    void storeFailuresOfEveryKindAnswerInOurWords() throws Exception {
        String internals = "java.io.IOException: /var/lib/hourglass/secret-dir at 10.1.2.3:6379 redis://u:" + PASSWORD
                + "@10.1.2.3:6379";
        List<Object[]> failures = List.of(
                new Object[] {
                    (Supplier<RuntimeException>) () -> new StoreUnavailableException(internals),
                    503,
                    ApiException.UNAVAILABLE
                },
                new Object[] {
                    (Supplier<RuntimeException>) () -> new StoreCapacityException(internals), 507, ApiException.FULL
                },
                new Object[] {
                    (Supplier<RuntimeException>) () -> new CorruptDataException(internals), 500, ApiException.CORRUPT
                },
                new Object[] {
                    (Supplier<RuntimeException>) () -> new StoreException(internals, new RuntimeException(internals)),
                    500,
                    ApiException.STORE_FAILED
                },
                new Object[] {
                    (Supplier<RuntimeException>) () -> new NullPointerException(internals), 500, ApiException.INTERNAL
                },
                new Object[] {
                    (Supplier<RuntimeException>) () -> new IllegalArgumentException(internals), 400, "bad request"
                });
        try (ServerFixture http = new ServerFixture("flaky:")) {
            assertThat(http.put("/api/sessions/s1", "{\"a\":1}").status()).isEqualTo(200);
            assertThat(http.post("/api/streams/r1", null).status()).isEqualTo(201);
            for (Object[] f : failures) {
                @SuppressWarnings("unchecked")
                Supplier<RuntimeException> failure = (Supplier<RuntimeException>) f[0];
                String log = captureLog(() -> {
                    FlakyProvider.failure = failure;
                    try {
                        for (Response r : everyEndpoint(http)) {
                            assertOurError(r, (Integer) f[1], PASSWORD, "secret-dir", "10.1.2.3");
                            assertThat(r.error()).isEqualTo(f[2]);
                        }
                    } finally {
                        FlakyProvider.failure = null;
                    }
                });
                assertNoInternals(log, PASSWORD, "secret-dir", "10.1.2.3");
            }
        } finally {
            FlakyProvider.failure = null;
        }
    }

    /**
     * A real Redis with a password that goes away: 503 bodies and log lines name neither it nor its
     * password, and the client library's reconnect attempts print no host and port at WARN or above.
     */
    @Test
    void aRedisThatGoesAwayAnswers503WithoutItsAddressOrPassword() throws Exception {
        RedisServer redis = RedisServer.start();
        redis.command("CONFIG", "SET", "requirepass", PASSWORD);
        String uri = "redis://:" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0";
        String hostPort = "127.0.0.1:" + redis.port();
        try (ServerFixture http = new ServerFixture(uri)) {
            http.closeAfter.add(redis);
            assertThat(http.put("/api/sessions/s1", "{\"a\":1}").status()).isEqualTo(200);
            assertThat(http.post("/api/streams/r1", null).status()).isEqualTo(201);
            redis.kill();
            String log = captureLog(() -> {
                for (Response r : everyEndpoint(http)) {
                    assertOurError(r, 503, PASSWORD, hostPort, String.valueOf(redis.port()));
                    assertThat(r.error()).isEqualTo(ApiException.UNAVAILABLE);
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                }
                Thread.sleep(1_500);
            });
            assertThat(log).contains("store unavailable");
            Pattern port = Pattern.compile(":" + redis.port() + "(?!\\d)");
            for (String line : log.split("\n")) {
                if (line.contains("[WARN] Call") || line.contains("[ERROR] Call")) {
                    assertNoInternals(line, PASSWORD, hostPort);
                }
                if (line.contains("[WARN]") || line.contains("[ERROR]")) {
                    assertThat(port.matcher(line).find())
                            .as("the engine's port at WARN or above: %s", line)
                            .isFalse();
                }
            }
            assertThat(log).doesNotContain(PASSWORD);
        }
    }

    @Test
    void theDebugLineOfACauseHasNoPasswords() {
        Throwable cause = new StoreUnavailableException(
                "redis store redis://admin:" + PASSWORD + "@10.0.0.5:6379/0: get failed",
                new IllegalStateException("AUTH failed; password=" + PASSWORD + "; token: " + PASSWORD
                        + " jdbc:postgresql://db/app?user=u&password=" + PASSWORD + " Bearer " + PASSWORD));
        String line = ApiException.redactedCause(cause);
        assertThat(line)
                .doesNotContain(PASSWORD)
                .contains("redis://****@10.0.0.5:6379/0")
                .contains("password=****")
                .contains("AUTH failed");
    }

    @Test
    void theGuardReplacesMessagesThatLookLikeInternals() {
        assertThat(ApiException.safe(400, "id must not be empty")).isEqualTo("id must not be empty");
        assertThat(ApiException.safe(
                        400,
                        "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
                                + "`StreamReadConstraints.getMaxNestingDepth()`)"))
                .isEqualTo("bad request");
        assertThat(ApiException.safe(400, "cannot deserialize com.fasterxml.jackson.databind.JsonNode"))
                .isEqualTo("bad request");
        assertThat(ApiException.safe(503, "io.lettuce.core.RedisException: Connection reset"))
                .isEqualTo(ApiException.UNAVAILABLE);
        assertThat(ApiException.safe(500, "java.net.SocketException\n\tat x.y(Z.java:1)"))
                .isEqualTo(ApiException.INTERNAL);
        assertThat(ApiException.safe(404, "session at 192.168.0.1:6379")).isEqualTo("not found");
        assertThat(ApiException.safe(409, null)).isEqualTo("conflict with the stream's state");
    }

    private static List<Response> everyEndpoint(ServerFixture http) {
        List<Response> out = new ArrayList<>();
        out.add(http.get("/api/interview/sessions/s1"));
        out.add(http.post("/api/interview/sessions", "{\"sessionId\":\"s1\",\"sessionData\":{\"a\":2}}"));
        out.add(http.get("/api/interview/sessions"));
        out.add(http.delete("/api/interview/sessions/s1"));
        out.add(http.put("/api/interview/sessions/s1/touch", null));
        out.add(http.get("/api/sessions?limit=5"));
        out.add(http.post("/api/sessions", "{\"a\":1}"));
        out.add(http.get("/api/sessions/s1"));
        out.add(http.put("/api/sessions/s1", "{\"a\":4}"));
        out.add(http.put("/api/sessions/s1", "{\"a\":4}", "If-Match", "\"1\""));
        out.add(http.put("/api/sessions/s2", "{\"a\":4}", "If-None-Match", "*"));
        out.add(http.patch("/api/sessions/s1", "{\"a\":3}"));
        out.add(http.delete("/api/sessions/s1"));
        out.add(http.post("/api/sessions/s1/touch", null));
        out.add(http.post("/api/streams/r2", null));
        out.add(http.get("/api/streams/r1"));
        out.add(http.post("/api/streams/r1/messages", "m2"));
        out.add(http.get("/api/streams/r1/next?reader=x"));
        out.add(http.get("/api/streams/r1/next?reader=x&wait=100"));
        out.add(http.get("/api/streams/r1/events?reader=x"));
        out.add(http.post("/api/streams/r1/fail", "{\"reason\":\"r\"}"));
        out.add(http.post("/api/streams/r1/complete", null));
        out.add(http.delete("/api/streams/r1"));
        return out;
    }

    /** What the server logs to standard error while {@code body} runs. */
    static String captureLog(ThrowingRunnable body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
