package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.spi.SessionChangeFeed;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** What the trigger sends is read back exactly; anything else is no change. */
class ChangePayloadPropertiesTest {

    @Property
    void aChangeRoundTrips(
            @ForAll @StringLength(min = 1, max = 64) String id, @ForAll long version, @ForAll long expiresAt) {
        JdbcSessionChanges.Change c = JdbcSessionChanges.parse(version + ":" + expiresAt + ":" + id);
        if (version == SessionChangeFeed.UNKNOWN || expiresAt == SessionChangeFeed.UNKNOWN) {
            assertThat(c).isNull();
        } else {
            assertThat(c).isEqualTo(new JdbcSessionChanges.Change(id, version, expiresAt));
        }
        assertThat(JdbcSessionChanges.parse("::" + id))
                .isEqualTo(new JdbcSessionChanges.Change(id, SessionChangeFeed.UNKNOWN, SessionChangeFeed.UNKNOWN));
    }

    @Property
    void aPayloadWithoutTwoSeparatorsOrNumbersIsNoChange(@ForAll @StringLength(max = 64) String text) {
        String noColons = text.replace(":", "");
        assertThat(JdbcSessionChanges.parse(noColons)).isNull();
        assertThat(JdbcSessionChanges.parse("x" + noColons + ":1:id")).isNull();
        assertThat(JdbcSessionChanges.parse("1:" + noColons + "y:id")).isNull();
        assertThat(JdbcSessionChanges.parse("1:2:")).isNull();
    }
}
