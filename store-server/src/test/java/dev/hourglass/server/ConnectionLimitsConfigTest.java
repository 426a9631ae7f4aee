package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The options for connection limits and the SSE keep-alive: defaults, flags over environment, bad values. */
class ConnectionLimitsConfigTest {

    @Test
    void defaults() {
        Connections c = ServerConfig.parse(new String[] {"--store", "memory:"}, Map.of())
                .connections();
        assertThat(c).isEqualTo(Connections.DEFAULTS);
        assertThat(c.sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.maxConnections()).isEqualTo(10_000);
        assertThat(c.maxStreams()).isEqualTo(2_000);
        assertThat(c.maxPending()).isEqualTo(1_000);
    }

    @Test
    void flagsOverEnvironment() {
        Map<String, String> env = Map.of(
                "HOURGLASS_SSE_KEEPALIVE",
                "30s",
                "HOURGLASS_MAX_CONNECTIONS",
                "500",
                "HOURGLASS_MAX_STREAMS",
                "50",
                "HOURGLASS_MAX_PENDING",
                "20");
        assertThat(ServerConfig.parse(new String[] {"--store", "memory:"}, env).connections())
                .isEqualTo(new Connections(Duration.ofSeconds(30), 500, 50, 20));
        Connections c = ServerConfig.parse(
                        new String[] {
                            "--store",
                            "memory:",
                            "--sse-keepalive",
                            "200ms",
                            "--max-connections=9",
                            "--max-streams",
                            "8",
                            "--max-pending",
                            "7"
                        },
                        env)
                .connections();
        assertThat(c).isEqualTo(new Connections(Duration.ofMillis(200), 9, 8, 7));
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-streams", "0"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-streams")
                .hasMessageContaining("'0'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-pending", "many"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--max-pending")
                .hasMessageContaining("'many'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[0], Map.of("HOURGLASS_MAX_CONNECTIONS", "-3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HOURGLASS_MAX_CONNECTIONS");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--sse-keepalive", "1ms"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--sse-keepalive");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--sse-keepalive", "soon"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--sse-keepalive");
    }

    @Test
    void usageListsTheOptions() {
        assertThat(ServerConfig.USAGE)
                .contains("--sse-keepalive", "--max-connections", "--max-streams", "--max-pending");
    }
}
