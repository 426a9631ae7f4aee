package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.server.ServerFixture.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A store that cannot be reached gives 503 with a JSON error, and loses nothing already stored. */
class UnavailableStoreTest {

    final ServerFixture http = new ServerFixture("flaky:");

    @AfterEach
    void stop() {
        FlakyProvider.down = false;
        http.close();
    }

    @Test
    void everyEndpointAnswers503WhileTheStoreIsDownAndRecoversAfter() {
        assertThat(http.put("/api/sessions/s1", "{\"a\":1}").status()).isEqualTo(200);
        assertThat(http.post("/api/streams/r1", null).status()).isEqualTo(201);
        assertThat(http.post("/api/streams/r1/messages", "m1").status()).isEqualTo(200);
        FlakyProvider.down = true;

        for (Response r : new Response[] {
            http.get("/api/interview/sessions/s1"),
            http.post("/api/interview/sessions", "{\"sessionId\":\"s1\",\"sessionData\":{\"a\":2}}"),
            http.get("/api/interview/sessions"),
            http.patch("/api/sessions/s1", "{\"a\":3}"),
            http.put("/api/sessions/s1", "{\"a\":4}"),
            http.delete("/api/sessions/s1"),
            http.post("/api/sessions/s1/touch", null),
            http.post("/api/streams/r1/messages", "m2"),
            http.get("/api/streams/r1/next?reader=x"),
            http.get("/api/streams/r1/next?reader=x&wait=200"),
            http.get("/api/streams/r1")
        }) {
            assertThat(r.status()).as("%s", r).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.json().path("success").asBoolean(true)).isFalse();
            assertThat(r.error()).isEqualTo("store unavailable; retry later");
            assertThat(r.body()).doesNotContain("flaky").doesNotContain("(test)");
        }
        Response health = http.get("/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().path("status").asText()).isEqualTo("DOWN");

        FlakyProvider.down = false;
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/api/sessions/s1").data().path("sessionData").toString())
                .isEqualTo("{\"a\":1}");
        assertThat(http.get("/api/streams/r1").data().path("messageCount").asLong())
                .isEqualTo(1);
    }
}
