package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Hourglass;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaults() {
        ServerConfig c = ServerConfig.parse(new String[0], Map.of());
        assertThat(c.storeUri()).isEqualTo(Hourglass.configuredUri());
        assertThat(c.port()).isEqualTo(3001);
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(c.streamTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(c.help()).isFalse();
    }

    @Test
    void flagsInBothForms() {
        ServerConfig c = ServerConfig.parse(
                new String[] {
                    "--store",
                    "memory:",
                    "--port=8080",
                    "--bind",
                    "0.0.0.0",
                    "--session-ttl",
                    "2h",
                    "--stream-ttl=90s",
                    "--max-body",
                    "512KiB",
                    "--insecure"
                },
                Map.of());
        assertThat(c.storeUri()).isEqualTo("memory:");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.streamTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.maxBodyBytes()).isEqualTo(512 * 1024);
    }

    @Test
    void environmentVariablesUnderFlags() {
        Map<String, String> env = Map.of(
                "HOURGLASS_PORT",
                "9000",
                "HOURGLASS_BIND",
                "::1",
                "REDIS_SESSION_TTL",
                "3600",
                "HOURGLASS_STREAM_TTL",
                "PT10M",
                "HOURGLASS_MAX_BODY",
                "2MiB");
        ServerConfig c = ServerConfig.parse(new String[0], env);
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.bind()).isEqualTo("::1");
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.streamTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxBodyBytes()).isEqualTo(2 << 20);
        assertThat(ServerConfig.parse(new String[] {"--port", "9100", "--session-ttl", "5m"}, env))
                .satisfies(f -> {
                    assertThat(f.port()).isEqualTo(9100);
                    assertThat(f.sessionTtl()).isEqualTo(Duration.ofMinutes(5));
                });
        assertThat(ServerConfig.parse(new String[0], Map.of("REDIS_SESSION_TTL", "60", "HOURGLASS_SESSION_TTL", "1d"))
                        .sessionTtl())
                .isEqualTo(Duration.ofDays(1));
    }

    @Test
    void badValuesNameTheOptionAndTheValue() {
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessageContaining("--port")
                .hasMessageContaining("'70000'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--session-ttl", "soon"}, Map.of()))
                .hasMessageContaining("--session-ttl")
                .hasMessageContaining("'soon'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--session-ttl", "0"}, Map.of()))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> ServerConfig.parse(new String[0], Map.of("REDIS_SESSION_TTL", "-1")))
                .hasMessageContaining("REDIS_SESSION_TTL")
                .hasMessageContaining("'-1'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-body", "12"}, Map.of()))
                .hasMessageContaining("--max-body")
                .hasMessageContaining("1KiB");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--max-body", "5GiB"}, Map.of()))
                .hasMessageContaining("'5GiB'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--colour", "red"}, Map.of()))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"memory:"}, Map.of()))
                .hasMessageContaining("unexpected argument 'memory:'");
        assertThatThrownBy(() -> ServerConfig.parse(new String[] {"--store", " "}, Map.of()))
                .hasMessageContaining("--store must not be blank");
    }

    @Test
    void help() {
        assertThat(ServerConfig.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
        assertThat(ServerConfig.USAGE)
                .contains("--store")
                .contains("HOURGLASS_STORE")
                .contains("REDIS_SESSION_TTL");
    }
}
