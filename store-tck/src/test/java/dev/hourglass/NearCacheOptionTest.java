package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.contract.FakeClock;
import dev.hourglass.spi.StoreConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Without the near cache module on the class path, asking for a near cache fails and says what is missing. */
class NearCacheOptionTest {

    @Test
    void theOptionWithoutTheModuleFailsNamingTheModule() {
        assertThatThrownBy(() -> Hourglass.open("memory:?nearCache=1000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'nearCache' needs the near cache module")
                .hasMessageContaining("hourglass-nearcache");
        assertThatThrownBy(() -> Hourglass.open(
                        "memory:",
                        StoreOptions.builder().property("nearCache", "10").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hourglass-nearcache");
    }

    @Test
    void malformedNearCacheOptionsAreRejectedNamingThem() {
        assertThatThrownBy(() -> Hourglass.open("memory:?nearCache=lots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'nearCache'")
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> Hourglass.open("memory:?nearCache=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'nearCache' must be 1..");
        assertThatThrownBy(() -> Hourglass.open("memory:?nearCache=10&nearCacheStaleness=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option 'nearCacheStaleness'");
        assertThatThrownBy(() -> Hourglass.open("memory:?nearCacheStaleness=1s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs option 'nearCache'");
    }

    @Test
    void theBackendGetsEveryOptionButTheNearCacheOnes() throws Exception {
        StoreOptions given = StoreOptions.builder()
                .clock(new FakeClock())
                .timeout(Duration.ofMillis(1234))
                .sweepInterval(Duration.ofSeconds(7))
                .sweepBatchSize(77)
                .sweepTimeBudget(Duration.ofMillis(55))
                .sweeperAutoStart(false)
                .meterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
                .property("nearCacheStaleness", "3s")
                .property("other", "kept")
                .build();
        NearCaches near = NearCaches.of(StoreConfig.of("memory:?a=1&nearCache=5&b=2", "memory", given, id -> {}));
        assertThat(near.size()).isEqualTo(5);
        assertThat(near.staleness()).isEqualTo(Duration.ofSeconds(3));
        assertThat(near.uri()).isEqualTo("memory:?a=1&b=2");
        StoreOptions passed = near.options();
        assertThat(passed.properties()).containsExactly(java.util.Map.entry("other", "kept"));
        int compared = 0;
        for (Method m : StoreOptions.class.getMethods()) {
            if (m.getParameterCount() == 0
                    && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() == StoreOptions.class
                    && !m.getName().equals("properties")
                    && !m.getName().equals("toBuilder")) {
                assertThat(m.invoke(passed)).as(m.getName()).isEqualTo(m.invoke(given));
                compared++;
            }
        }
        assertThat(compared).as("options compared").isGreaterThanOrEqualTo(7);
    }
}
