package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Sessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * The in-place walk over a stored session's attribute names finds an indexed name exactly when the
 * session has one, wherever it sits among the others and whatever the values' sizes, and a form
 * cut short anywhere sends the session to the full decode.
 */
class IndexNamesPropertiesTest {

    @Property(tries = 500)
    void theWalkFindsAnIndexedNameExactlyWhenThereIsOne(
            @ForAll @Size(max = 12) List<@AlphaChars @StringLength(min = 1, max = 20) String> names,
            @ForAll @IntRange(min = -1, max = 12) int indexedAt,
            @ForAll @IntRange(min = 0, max = 300) int valueBytes) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String n : names) {
            values.put(n, "x".repeat(valueBytes));
        }
        boolean indexed = indexedAt >= 0 && indexedAt <= names.size();
        if (indexed) {
            values.put(Sessions.INDEX_PREFIX + "principal" + indexedAt, "alice");
        }
        byte[] form = Attributes.strings(values).toBytes();
        Statistics.label("indexed").collect(indexed);
        assertThat(IndexEntries.namesIndexed(BytesStore.wrap(form), 0, form.length))
                .as("names %s", values.keySet())
                .isEqualTo(indexed);
    }

    @Property(tries = 300)
    void aFormCutShortIsLeftToTheFullDecode(
            @ForAll @Size(min = 1, max = 6) List<@AlphaChars @StringLength(min = 1, max = 8) String> names,
            @ForAll @IntRange(min = 1, max = 40) int cut) {
        Map<String, String> values = new LinkedHashMap<>();
        names.forEach(n -> values.put(n, n + n));
        byte[] form = Attributes.strings(values).toBytes();
        int end = Math.max(0, form.length - cut);
        assertThat(IndexEntries.namesIndexed(BytesStore.wrap(form), 0, end))
                .as("a form of %d bytes read to %d", form.length, end)
                .isTrue();
    }
}
