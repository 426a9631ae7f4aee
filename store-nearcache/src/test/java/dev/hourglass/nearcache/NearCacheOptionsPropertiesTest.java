package dev.hourglass.nearcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * The options {@code nearCache} and {@code nearCacheStaleness} as a caller may write them: a value is
 * taken or refused with IllegalArgumentException naming the option, and a store that keeps no
 * change feed (the in-memory one) refuses a near cache saying it is for remote stores.
 */
class NearCacheOptionsPropertiesTest {

    @Property(tries = 300)
    void anySizeIsTakenOrRefusedNamingTheOption(@ForAll @StringLength(max = 24) String size) {
        String uri = "memory:?nearCache=" + URLEncoder.encode(size, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("option 'nearCache'", "remote stores"));
    }

    @Property(tries = 100)
    void aValidSizeReachesTheBackendCheck(@ForAll @LongRange(min = 1, max = 100_000_000) long size) {
        assertThatThrownBy(() -> open("memory:?nearCache=" + size + "&nearCacheStaleness=250ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is for remote stores");
    }

    @Property(tries = 300)
    void anyStalenessIsTakenOrRefusedNamingTheOption(@ForAll @StringLength(max = 24) String staleness) {
        String uri = "memory:?nearCache=10&nearCacheStaleness=" + URLEncoder.encode(staleness, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> open(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(
                        e -> assertThat(e.getMessage()).containsAnyOf("option 'nearCacheStaleness'", "remote stores"));
    }

    private static void open(String uri) {
        try (Store s = Hourglass.open(uri)) {
            throw new AssertionError("opened " + s);
        }
    }
}
