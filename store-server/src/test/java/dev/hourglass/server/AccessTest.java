package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.contract.SecondJvm;
import dev.hourglass.server.ServerFixture.Response;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional shared secret: with one configured, every endpoint but {@code /health} (and
 * {@code /metrics} with them) requires {@code Authorization: Bearer <token>}, 401 with
 * {@code WWW-Authenticate: Bearer} otherwise; the token comes from the environment or a file; and the
 * server will not listen beyond loopback without one unless told it may.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {

    static final String TOKEN = "t0ken-" + Long.toHexString(System.nanoTime()) + "-abcdefgh";

    ServerFixture http;

    @BeforeAll
    void start() {
        http = new ServerFixture("memory:", TOKEN);
    }

    @AfterAll
    void stop() {
        http.close();
    }

    /** One request of every endpoint, with a body where it takes one. */
    static List<String[]> everyEndpoint() {
        return List.of(
                new String[] {"GET", "/metrics", null},
                new String[] {"GET", "/api/interview/sessions", null},
                new String[] {"POST", "/api/interview/sessions", "{\"sessionId\":\"a\",\"sessionData\":{}}"},
                new String[] {"GET", "/api/interview/sessions/a", null},
                new String[] {"DELETE", "/api/interview/sessions/a", null},
                new String[] {"PUT", "/api/interview/sessions/a/touch", null},
                new String[] {"GET", "/api/sessions", null},
                new String[] {"POST", "/api/sessions", "{}"},
                new String[] {"GET", "/api/sessions/a", null},
                new String[] {"PUT", "/api/sessions/a", "{}"},
                new String[] {"PATCH", "/api/sessions/a", "{}"},
                new String[] {"DELETE", "/api/sessions/a", null},
                new String[] {"POST", "/api/sessions/a/touch", null},
                new String[] {"PUT", "/api/sessions/a/touch", null},
                new String[] {"POST", "/api/streams/s", null},
                new String[] {"GET", "/api/streams/s", null},
                new String[] {"DELETE", "/api/streams/s", null},
                new String[] {"POST", "/api/streams/s/messages", "m"},
                new String[] {"POST", "/api/streams/s/complete", null},
                new String[] {"POST", "/api/streams/s/fail", "{\"reason\":\"r\"}"},
                new String[] {"GET", "/api/streams/s/next?reader=r", null},
                new String[] {"GET", "/api/streams/s/events?reader=r", null},
                new String[] {"GET", "/api/sweeper/status", null},
                new String[] {"POST", "/api/sweeper/start?interval=1", null},
                new String[] {"POST", "/api/sweeper/stop", null},
                new String[] {"POST", "/api/sweeper/run", null},
                new String[] {"GET", "/api/no-such-endpoint", null},
                new String[] {"PATCH", "/metrics", null});
    }

    @Test
    void everyEndpointButHealthNeedsTheToken() {
        assertThat(http.store.sessions().get("a")).isEmpty();
        for (String[] e : everyEndpoint()) {
            for (String[] auth : new String[][] {
                {},
                {"Authorization", "Bearer wrong-token-of-some-length"},
                {"Authorization", "Bearer " + TOKEN + "x"},
                {"Authorization", "Bearer " + TOKEN.substring(1)},
                {"Authorization", "Basic " + TOKEN},
                {"Authorization", TOKEN},
                {"Authorization", "Bearer"},
                {"Authorization", "Bearer  "}
            }) {
                Response r = http.send(e[0], e[1], e[2], auth);
                assertThat(r.status())
                        .as("%s %s with %s: %s", e[0], e[1], List.of(auth), r)
                        .isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=\"hourglass\"");
                assertThat(r.json().path("success").asBoolean(true)).isFalse();
                assertThat(r.body()).doesNotContain(TOKEN);
            }
        }
        assertThat(http.store.sessions().get("a")).isEmpty();
        assertThat(http.store.streams().state("s")).isEmpty();
        assertThat(http.store.sweeper().orElseThrow().status().running()).isFalse();
        assertThat(http.store.sweeper().orElseThrow().status().lastRun()).isEmpty();
    }

    @Test
    void theRightTokenPasses() {
        for (String scheme : new String[] {"Bearer ", "bearer ", "BEARER "}) {
            Response metrics = http.get("/metrics", "Authorization", scheme + TOKEN);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("http_server_requests_seconds");
        }
        String auth = "Bearer " + TOKEN;
        assertThat(http.put("/api/sessions/k", "{\"v\":1}", "Authorization", auth)
                        .status())
                .isEqualTo(200);
        assertThat(http.get("/api/sessions/k", "Authorization", auth)
                        .data()
                        .path("sessionData")
                        .toString())
                .isEqualTo("{\"v\":1}");
        assertThat(http.delete("/api/sessions/k", "Authorization", auth).status())
                .isEqualTo(200);
        assertThat(http.get("/api/no-such-endpoint", "Authorization", auth).status())
                .isEqualTo(404);
    }

    @Test
    void healthNeedsNoToken() {
        Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(http.get("/health", "Authorization", "Bearer wrong").status())
                .isEqualTo(200);
    }

    @Test
    void withoutATokenConfiguredNothingIsAsked() {
        try (ServerFixture open = new ServerFixture("memory:")) {
            assertThat(open.get("/metrics").status()).isEqualTo(200);
            assertThat(open.get("/api/sessions").status()).isEqualTo(200);
        }
    }

    @Test
    void theTokenComesFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        assertThat(ServerConfig.parse(new String[0], Map.of()).accessToken()).isNull();
        assertThat(ServerConfig.parse(new String[0], Map.of("HOURGLASS_ACCESS_TOKEN", TOKEN))
                        .accessToken())
                .isEqualTo(TOKEN);
        Path file = dir.resolve("token");
        Files.writeString(file, TOKEN + "\n", StandardCharsets.UTF_8);
        assertThat(ServerConfig.parse(new String[] {"--access-token-file", file.toString()}, Map.of())
                        .accessToken())
                .isEqualTo(TOKEN);
        assertThat(ServerConfig.parse(new String[0], Map.of("HOURGLASS_ACCESS_TOKEN_FILE", file.toString()))
                        .accessToken())
                .isEqualTo(TOKEN);
        ServerConfig c =
                ServerConfig.parse(new String[] {"--access-token-file=" + file, "--bind", "0.0.0.0"}, Map.of());
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.toString()).doesNotContain(TOKEN).contains("accessToken=****");

        assertThatThrownBy(() -> ServerConfig.parse(
                        new String[] {"--access-token-file", file.toString()}, Map.of("HOURGLASS_ACCESS_TOKEN", TOKEN)))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> ServerConfig.parse(
                        new String[] {"--access-token-file", dir.resolve("none").toString()}, Map.of()))
                .hasMessageContaining("--access-token-file")
                .hasMessageContaining("cannot be read");
        Files.writeString(file, "short\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--access-token-file", file.toString()}, Map.of()))
                .hasMessageContaining("16 to 4096 characters, was 5")
                .message()
                .doesNotContain("short");
        assertThatThrownBy(() ->
                        ServerConfig.parse(new String[0], Map.of("HOURGLASS_ACCESS_TOKEN", "has spaces inside it ok")))
                .hasMessageContaining("printable ASCII without spaces")
                .message()
                .doesNotContain("inside");
        assertThatThrownBy(() -> ServerConfig.parse(
                        new String[0], Map.of("HOURGLASS_ACCESS_TOKEN", "n\u00f6n-ascii-token-value")))
                .hasMessageContaining("printable ASCII");
    }

    @Test
    void aNonLoopbackBindNeedsATokenOrTheInsecureFlag() {
        for (String bind : new String[] {"0.0.0.0", "::", "192.0.2.10"}) {
            assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--bind", bind}, Map.of()))
                    .hasMessageContaining("refusing to listen on " + bind + " (--bind) without an access token")
                    .hasMessageContaining("HOURGLASS_ACCESS_TOKEN")
                    .hasMessageContaining("--insecure");
            assertThat(ServerConfig.parse(new String[] {"--bind", bind, "--insecure"}, Map.of())
                            .insecure())
                    .isTrue();
            assertThat(ServerConfig.parse(new String[] {"--bind", bind}, Map.of("HOURGLASS_INSECURE", "true"))
                            .insecure())
                    .isTrue();
            assertThat(ServerConfig.parse(new String[] {"--bind", bind}, Map.of("HOURGLASS_ACCESS_TOKEN", TOKEN))
                            .bind())
                    .isEqualTo(bind);
        }
        for (String bind : new String[] {"127.0.0.1", "::1", "localhost", "127.1.2.3"}) {
            assertThat(ServerConfig.parse(new String[] {"--bind", bind}, Map.of())
                            .bind())
                    .isEqualTo(bind);
        }
        assertThatThrownBy(() -> ServerConfig.parse(new String[0], Map.of("HOURGLASS_INSECURE", "maybe")))
                .hasMessageContaining("HOURGLASS_INSECURE must be true or false, was 'maybe'");
    }

    /** The real entry point refuses at start with one line saying why, and a non-zero exit code. */
    @Test
    void theServerRefusesToStartOnAPublicAddressWithoutAToken() throws Exception {
        try (SecondJvm jvm =
                SecondJvm.start(StoreServer.class, "--store", "memory:", "--bind", "0.0.0.0", "--port", "0")) {
            assertThat(jvm.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(jvm.process().exitValue()).isEqualTo(2);
            List<String> lines =
                    jvm.errorTail().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0))
                    .startsWith("store-server: refusing to listen on 0.0.0.0 (--bind) without an access token");
        }
    }
}
