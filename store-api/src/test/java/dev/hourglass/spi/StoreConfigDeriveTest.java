package dev.hourglass.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.ExpiryListener;
import dev.hourglass.StoreOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configs are made by one checked factory, and backends derive theirs from the one they were given. */
class StoreConfigDeriveTest {

    private final ExpiryListener sink = id -> {};
    private final StoreConfig config = StoreConfig.of(
            "memory:?a=1&cursorKey=k",
            "memory",
            StoreOptions.builder().property("p", "2").build(),
            sink);

    @Test
    void ofChecksEveryArgumentAndNamesIt() {
        assertThatThrownBy(() -> StoreConfig.of(null, "memory", StoreOptions.defaults(), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("uri must start with 'memory:', was null");
        assertThatThrownBy(() -> StoreConfig.of("redis://u:secret@h:1", "memory", StoreOptions.defaults(), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri must start with 'memory:'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> StoreConfig.of("memory:", "", StoreOptions.defaults(), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> StoreConfig.of("memory:", "memory", null, sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> StoreConfig.of("memory:", "memory", StoreOptions.defaults(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expirySink");
        assertThatThrownBy(() -> StoreConfig.of("memory:?a=%zz", "memory", StoreOptions.defaults(), sink))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed %-escape");
    }

    @Test
    void noConstructorIsPublic() {
        Constructor<?>[] constructors = StoreConfig.class.getDeclaredConstructors();
        assertThat(constructors).isNotEmpty();
        assertThat(Arrays.stream(constructors).noneMatch(c -> Modifier.isPublic(c.getModifiers())))
                .isTrue();
    }

    @Test
    void withOptionsKeepsTheUriAndTheSinkAndLaysTheNewPropertiesOver() {
        StoreConfig derived = config.withOptions(StoreOptions.builder()
                .sweepInterval(Duration.ofSeconds(5))
                .property("q", "3")
                .build());
        assertThat(derived.uri()).isEqualTo(config.uri());
        assertThat(derived.scheme()).isEqualTo("memory");
        assertThat(derived.expirySink()).isSameAs(sink);
        assertThat(derived.options().sweepInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(derived.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "q", "3"));
        assertThat(derived.cursorKey()).contains("k");
        assertThatThrownBy(() -> config.withOptions(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options");
    }

    @Test
    void withUriKeepsTheOptionsAndTheSinkAndChecksTheScheme() {
        StoreConfig derived = config.withUri("other:?b=2", "other");
        assertThat(derived.scheme()).isEqualTo("other");
        assertThat(derived.location()).isEmpty();
        assertThat(derived.parameters()).containsExactlyInAnyOrderEntriesOf(Map.of("b", "2", "p", "2"));
        assertThat(derived.options()).isSameAs(config.options());
        assertThat(derived.expirySink()).isSameAs(sink);
        assertThatThrownBy(() -> config.withUri("redis://u:secret@h:1", "memory"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri must start with 'memory:'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> config.withUri("x", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> config.withUri(null, "memory"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("uri");
    }
}
