package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
