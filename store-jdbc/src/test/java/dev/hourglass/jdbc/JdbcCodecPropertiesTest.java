package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.spi.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of what store-jdbc decodes from its columns and of its cursor check: stored bytes give
 * the value exactly or {@link CorruptDataException}; a cursor is any string that could be an id,
 * and nothing else; messages never carry a password.
 */
class JdbcCodecPropertiesTest {

    @Property
    void arbitraryBlobsAreAttributesOrCorrupt(@ForAll @Size(max = 64) byte[] blob) {
        try {
            Attributes a = JdbcCodec.attributes(blob, "session 's'");
            assertThat(JdbcCodec.attributes(a.toBytes(), "session 's'")).isEqualTo(a);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored attributes of session 's'");
        }
    }

    @Property
    void attributeBlobsRoundTrip(@ForAll Map<@StringLength(min = 1, max = 20) String, byte[]> values) {
        Attributes a;
        try {
            a = Attributes.bytes(values);
        } catch (IllegalArgumentException refusedAtWrite) {
            return;
        }
        assertThat(JdbcCodec.attributes(a.toBytes(), "session 's'")).isEqualTo(a);
    }

    @Example
    void aMissingBlobIsCorrupt() {
        assertThatThrownBy(() -> JdbcCodec.attributes(null, "stream 'q'"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("stream 'q'");
        assertThatThrownBy(() -> JdbcCodec.payload(null, 3, "q"))
                .isInstanceOf(CorruptDataException.class)
                .hasMessageContaining("message 3 of stream 'q'");
    }

    @Property
    void arbitraryIdBytesAreExactOrCorrupt(@ForAll @Size(max = 300) byte[] raw) {
        try {
            String id = JdbcCodec.id(raw, "session id");
            assertThat(id.getBytes(StandardCharsets.UTF_8)).isEqualTo(raw);
            assertThat(raw.length).isBetween(1, 256);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored session id");
        }
    }

    @Property
    void cursorsAreExactlyTheStringsThatCouldBeIds(@ForAll @StringLength(max = 300) String cursor) {
        boolean couldBeId;
        try {
            JdbcCodec.id(cursor, "id");
            couldBeId = true;
        } catch (CorruptDataException e) {
            couldBeId = false;
        }
        try {
            assertThat(JdbcCodec.cursor(cursor)).isSameAs(cursor);
            assertThat(couldBeId).isTrue();
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("cursor is not one this store returned");
            assertThat(couldBeId).isFalse();
        }
    }

    @Example
    void cursorsThatCouldNotBeIdsAreRefused() {
        for (String c :
                List.of("", "a\u0000b", "\n", "x\u0085", "\ud800", "a\udc00", "é".repeat(129), "x".repeat(257))) {
            assertThatThrownBy(() -> JdbcCodec.cursor(c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor ");
        }
        assertThat(JdbcCodec.cursor("x".repeat(256))).hasSize(256);
        assertThat(JdbcCodec.cursor("' OR 1=1 --")).isEqualTo("' OR 1=1 --");
    }

    @Property
    void statusCodesOutsideTheKnownOnesAreCorrupt(@ForAll int code) {
        try {
            assertThat(JdbcCodec.status(code, "q").code()).isEqualTo((byte) code);
        } catch (CorruptDataException expected) {
            assertThat(code < 0 || code > 2).isTrue();
        }
    }

    @Property
    void messagesNeverCarryThePassword(@ForAll @StringLength(max = 20) String middle, @ForAll("forms") String form) {
        // In a query a raw & or # ends the value, so a password there holds neither.
        net.jqwik.api.Assume.that(!form.contains("=PW") || (middle.indexOf('&') < 0 && middle.indexOf('#') < 0));
        String password = "Zq" + middle + "Zq";
        String shown = StoreConfig.redact(form.replace("PW", password));
        assertThat(shown).doesNotContain("Zq").contains("****");
    }

    @Example
    void redactionKeepsTheAddress() {
        assertThat(StoreConfig.redact("jdbc:mysql://app:s3cret@db1:3306/app?poolSize=3"))
                .isEqualTo("jdbc:mysql://****@db1:3306/app?poolSize=3");
        assertThat(StoreConfig.redact("jdbc:postgresql://db1/app?user=app&password=pw&socketTimeout=30"))
                .isEqualTo("jdbc:postgresql://db1/app?user=app&password=****&socketTimeout=30");
    }

    @Provide
    Arbitrary<String> forms() {
        return Arbitraries.of(
                "jdbc:mysql://app:PW@db1:3306/app",
                "jdbc:mariadb://:PW@db1/app?poolSize=2",
                "jdbc:postgresql://db1:5432/app?user=app&password=PW",
                "jdbc:postgresql://db1/app?PASSWORD=PW&x=1",
                "jdbc:mysql://(host=db1,port=3306,user=app,password=PW)/app",
                "jdbc:mysql://db1/app?pwd=PW",
                "jdbc:postgresql://app:PW@db1/app?password=PW",
                "jdbc:mysql://db1/app?cursorKey=PW");
    }
}
