package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * The arguments of {@link Sessions#findByIndex}: any index name and value either find exactly the
 * sessions holding the value, or are refused with {@link IllegalArgumentException} naming the
 * argument; nothing else is thrown.
 */
class IndexLookupPropertiesTest {

    private Store store;

    @BeforeProperty
    void open() {
        store = Hourglass.open("memory:");
    }

    @AfterProperty
    void close() {
        store.close();
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(300),
                Arbitraries.strings().withChars('\ud800', '\udc00', 'a').ofMaxLength(4),
                Arbitraries.just(""),
                Arbitraries.just(null));
    }

    @Property(tries = 500)
    void anyLookupFindsTheHoldersOrIsRefusedNamingTheArgument(
            @ForAll("text") String index, @ForAll("text") String value) {
        Sessions sessions = store.sessions();
        boolean stored;
        try {
            sessions.put("holder", Attributes.empty().with(Sessions.INDEX_PREFIX + index, value), Duration.ofHours(1));
            stored = true;
        } catch (IllegalArgumentException | NullPointerException notStorable) {
            stored = false;
        }
        try {
            Map<String, Session> found = sessions.findByIndex(index, value);
            Statistics.label("outcome").collect(stored ? "found" : "looked up");
            if (stored) {
                assertThat(found).containsOnlyKeys("holder");
            } else {
                assertThat(found).isEmpty();
            }
        } catch (IllegalArgumentException e) {
            Statistics.label("outcome").collect("refused");
            assertThat(e.getMessage()).containsAnyOf("index", "value");
            assertThat(e.getMessage().length()).isLessThan(400);
        } finally {
            sessions.delete("holder");
        }
    }
}
