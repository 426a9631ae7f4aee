package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourglassTest {

    @AfterEach
    void clear() {
        System.clearProperty(Hourglass.PROPERTY);
        System.clearProperty(Hourglass.CONFIG_FILE_PROPERTY);
    }

    @Test
    void opensTheProviderChosenByScheme() {
        try (Store store = Hourglass.open("memory:")) {
            assertThat(store.backend()).isEqualTo("memory");
            assertThat(store.uri()).isEqualTo("memory:");
            assertThat(store.sweeper()).isPresent();
            assertThat(store.isHealthy()).isTrue();
        }
        try (Store store = Hourglass.open("MEMORY:")) {
            assertThat(store.backend()).isEqualTo("memory");
        }
    }

    @Test
    void aGivenProviderOpensTheStoreInsteadOfTheOneOnTheClassPath() {
        java.util.List<String> opened = new java.util.ArrayList<>();
        dev.hourglass.spi.StoreProvider counting = new dev.hourglass.spi.StoreProvider() {
            @Override
            public java.util.Set<String> schemes() {
                return java.util.Set.of("memory");
            }

            @Override
            public dev.hourglass.spi.Backend open(dev.hourglass.spi.StoreConfig config) {
                opened.add(config.uri());
                return new dev.hourglass.memory.MemoryProvider().open(config);
            }
        };
        try (Store store = Hourglass.open(counting, "MEMORY:?maxSessionBytes=1000", StoreOptions.defaults())) {
            store.sessions().put("x", Attributes.empty(), Duration.ofMinutes(1));
            assertThat(store.sessions().get("x")).isPresent();
        }
        assertThat(opened).containsExactly("memory:?maxSessionBytes=1000");
        assertThatThrownBy(() -> Hourglass.open(counting, "redis://u:secret@h", StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri must start with one of the provider's schemes [memory]")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Hourglass.open(null, "memory:", StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider");
        assertThatThrownBy(() -> Hourglass.open(counting, " ", StoreOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri");
        assertThatThrownBy(() -> Hourglass.open(counting, "memory:", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options");
        assertThat(opened).hasSize(1);
    }

    @Test
    void anUnknownSchemeListsWhatIsAvailableAndWhereTheKnownOnesLive() {
        assertThatThrownBy(() -> Hourglass.open("foo://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'foo'")
                .hasMessageContaining("Schemes on the class path: memory")
                .hasMessageContaining("chronicle (dev.hourglass:hourglass-chronicle)");
        assertThatThrownBy(() -> Hourglass.open("redis://user:secret@localhost:6379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provided by dev.hourglass:hourglass-redis")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Hourglass.open("jdbc:mysql://h/db"))
                .hasMessageContaining("'jdbc:mysql'")
                .hasMessageContaining("dev.hourglass:hourglass-jdbc");
        assertThatThrownBy(() -> Hourglass.open(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri");
    }

    @Test
    void unknownAndBadOptionsAreNamed() {
        assertThatThrownBy(() -> Hourglass.open("memory:?maxSessionBytes=lots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessionBytes")
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> Hourglass.open("memory:?colour=blue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colour")
                .hasMessageContaining("maxSessionBytes");
        try (Store store = Hourglass.open("memory:?maxSessionBytes=64k")) {
            assertThat(store.limits().maxSessionBytes()).isEqualTo(65_536);
        }
        try (Store store = Hourglass.open(
                "memory:",
                StoreOptions.builder().property("maxMessageBytes", "1k").build())) {
            assertThat(store.limits().maxMessageBytes()).isEqualTo(1_024);
        }
    }

    @Test
    void theUriComesFromThePropertyThenTheFileThenTheDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hourglass.properties");
        Files.writeString(file, "hourglass.store=memory:?maxSessionBytes=1k\n");
        System.setProperty(Hourglass.CONFIG_FILE_PROPERTY, file.toString());
        if (System.getenv(Hourglass.ENVIRONMENT) == null) {
            assertThat(Hourglass.configuredUri()).isEqualTo("memory:?maxSessionBytes=1k");
            try (Store store = Hourglass.open()) {
                assertThat(store.limits().maxSessionBytes()).isEqualTo(1_024);
            }
        }
        System.setProperty(Hourglass.PROPERTY, "memory:?maxSessionBytes=2k");
        assertThat(Hourglass.configuredUri()).isEqualTo("memory:?maxSessionBytes=2k");
        System.clearProperty(Hourglass.PROPERTY);
        System.setProperty(
                Hourglass.CONFIG_FILE_PROPERTY, dir.resolve("absent.properties").toString());
        assertThatThrownBy(Hourglass::configuredUri)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absent.properties");
        System.clearProperty(Hourglass.CONFIG_FILE_PROPERTY);
        if (System.getenv(Hourglass.ENVIRONMENT) == null && !Files.exists(Path.of(Hourglass.CONFIG_FILE))) {
            assertThat(Hourglass.configuredUri()).isEqualTo(Hourglass.DEFAULT_URI);
        }
    }

    @Test
    void aClosedStoreRejectsCalls() {
        Store store = Hourglass.open("memory:");
        store.close();
        store.close();
        assertThat(store.isHealthy()).isFalse();
        assertThatThrownBy(() -> store.sessions().get("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> StoreOptions.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> StoreOptions.builder().sweepBatchSize(0)).hasMessageContaining("sweepBatchSize");
        assertThatThrownBy(() -> StoreOptions.builder().meterRegistry("not a registry"))
                .hasMessageContaining("meterRegistry");
        assertThatThrownBy(() -> StoreOptions.builder().property("", "x")).hasMessageContaining("property name");
        StoreOptions a = StoreOptions.builder().timeout(Duration.ofSeconds(3)).build();
        StoreOptions b = a.toBuilder().sweepBatchSize(7).build();
        assertThat(a.sweepBatchSize()).isEqualTo(1_000);
        assertThat(b.sweepBatchSize()).isEqualTo(7);
        assertThat(b.timeout()).isEqualTo(Duration.ofSeconds(3));
    }
}
