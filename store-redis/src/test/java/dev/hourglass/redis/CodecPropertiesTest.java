package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.AttributeType;
import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Session;
import dev.hourglass.StreamState;
import dev.hourglass.spi.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * Properties of what store-redis decodes and parses: every decoder of stored bytes gives the value
 * back exactly or {@link CorruptDataException}; the cursor parser accepts exactly the cursors the
 * store writes; messages never carry a password.
 */
class CodecPropertiesTest {

    @Property
    void everyLongRoundTrips(@ForAll long n) {
        assertThat(Codec.parseLong(Codec.ascii(n), "n")).isEqualTo(n);
    }

    @Property
    void arbitraryBytesAreANumberOrCorrupt(@ForAll @Size(max = 24) byte[] bytes) {
        try {
            long n = Codec.parseLong(bytes, "n");
            assertThat(new java.math.BigInteger(new String(bytes, StandardCharsets.US_ASCII)))
                    .isEqualTo(n);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored n is not a number");
        }
    }

    @Example
    void numbersPastTheRangeOfALongAreCorrupt() {
        for (String s :
                List.of("9223372036854775808", "-9223372036854775809", "99999999999999999999", "-", "", "1e3", " 1")) {
            assertThatThrownBy(() -> Codec.parseLong(s.getBytes(StandardCharsets.US_ASCII), "n"))
                    .as(s)
                    .isInstanceOf(CorruptDataException.class);
        }
    }

    @Property
    void textOfAnyPlaneRoundTrips(@ForAll @StringLength(max = 40) String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        String back;
        try {
            back = Codec.text(b, "t");
        } catch (CorruptDataException e) {
            throw new AssertionError("valid UTF-8 refused: " + s, e);
        }
        assertThat(back.getBytes(StandardCharsets.UTF_8)).isEqualTo(b);
    }

    @Property
    void arbitraryBytesAreExactTextOrCorrupt(@ForAll @Size(max = 40) byte[] bytes) {
        try {
            assertThat(Codec.text(bytes, "t").getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).startsWith("stored t is not UTF-8");
        }
    }

    @Example
    void overlongAndSurrogateEncodingsAreCorrupt() {
        for (byte[] b : List.of(
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xFF})) {
            assertThatThrownBy(() -> Codec.text(b, "t")).isInstanceOf(CorruptDataException.class);
        }
    }

    @Property(tries = 500)
    void sessionRepliesDecodeOrAreCorrupt(@ForAll("replies") List<Object> reply, @ForAll long now) {
        try {
            Session s = Codec.session("s", reply, now);
            if (s != null) {
                assertThat(s.expiresAt().toEpochMilli()).isGreaterThan(now);
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void wellFormedSessionsDecodeExactly(
            @ForAll @StringLength(min = 1, max = 20) String name,
            @ForAll byte[] value,
            @ForAll @IntRange(min = 1) int ttl) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        net.jqwik.api.Assume.that(Codec.text(nameBytes, "n").equals(name));
        List<Object> flat = new ArrayList<>(List.of(
                Codec.field(Codec.EXPIRES),
                Codec.ascii(1000L + ttl),
                Codec.field(Codec.CREATED),
                Codec.ascii(5),
                Codec.field(Codec.ACCESSED),
                Codec.ascii(7),
                Codec.field(Codec.VERSION),
                Codec.ascii(42),
                nameBytes,
                Attributes.empty().with(name, value).toStoredValues().get(name)));
        Session s = Codec.session("s", flat, 1000);
        assertThat(s.attributes().getBytes(name)).isEqualTo(value);
        assertThat(s.attributes().type(name)).isEqualTo(AttributeType.BYTES);
        assertThat(s.version()).isEqualTo(42);
        assertThat(s.expiresAt().toEpochMilli()).isEqualTo(1000L + ttl);
    }

    @Property(tries = 500)
    void nextRepliesDecodeOrAreCorrupt(@ForAll("replies") List<Object> reply) {
        try {
            Codec.Next n = Codec.next("q", reply);
            if (n != null) {
                assertThat(n.poll().message().isPresent()).isEqualTo(n.count() == -1);
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void sweepAndWriteRepliesDecodeOrAreCorrupt(@ForAll("replies") List<Object> reply) {
        try {
            Codec.swept(reply);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Codec.putReply("s", reply, dev.hourglass.Attributes.empty(), 1, 2);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
        try {
            Codec.casReply("s", reply, dev.hourglass.Attributes.empty(), 1);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 500)
    void streamMetadataDecodesOrIsCorrupt(@ForAll("hashes") Map<byte[], byte[]> hash, @ForAll long now) {
        try {
            StreamState st = Codec.streamState("q", hash, now);
            if (st != null) {
                assertThat(st.messageCount()).isNotNegative();
            }
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property
    void storedMessagesDecodeOrAreCorrupt(@ForAll @Size(max = 40) byte[] value) {
        try {
            assertThat(Codec.message(1, value, "q").sequence()).isEqualTo(1);
        } catch (CorruptDataException expected) {
            assertThat(expected.getMessage()).contains("message 1 of stream 'q'");
        }
    }

    @Property
    void arbitraryCursorsAreIssuedOnesOrRefused(
            @ForAll @StringLength(max = 48) String cursor, @ForAll @IntRange(min = 0, max = 14) int log2Buckets) {
        int buckets = 1 << log2Buckets;
        try {
            RedisSessions.Cursor c = RedisSessions.Cursor.parse(cursor, buckets);
            assertThat(c.toString()).isEqualTo(cursor);
            assertThat(c.bucket()).isBetween(0, buckets - 1);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("cursor is not one this store returned");
        }
    }

    @Property
    void issuedCursorsRoundTrip(
            @ForAll @IntRange(min = 0, max = 255) int bucket,
            @ForAll long scan,
            @ForAll @IntRange(min = 0, max = 1_000_000) int skip,
            @ForAll @IntRange(min = 1, max = 10_000) int count) {
        RedisSessions.Cursor c = new RedisSessions.Cursor(bucket, Long.toUnsignedString(scan), skip, count);
        assertThat(RedisSessions.Cursor.parse(c.toString(), 256)).isEqualTo(c);
    }

    @Example
    void cursorsOutsideTheGeometryAreRefused() {
        for (String c : List.of(
                "-2147483648:a",
                "-1.0.0.0",
                "256.0.0.0",
                "99999.0.0.0",
                "0.0.5.0",
                "0.18446744073709551616.0.0",
                "0.-1.0.16",
                "0.x.0.16",
                "0.0.0.10001",
                "",
                ".",
                "1.2.3",
                "01.0.0.0",
                "0.0.0.0.",
                "0.0.0.+16",
                "0.0.0.0".repeat(100),
                "0\u0000.0.0.0")) {
            assertThatThrownBy(() -> RedisSessions.Cursor.parse(c, 256))
                    .as(c)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor ");
        }
    }

    @Property
    void messagesNeverCarryThePassword(
            @ForAll @StringLength(min = 0, max = 20) String middle, @ForAll("forms") String form) {
        // In a query a raw & or # ends the value, so a password there holds neither.
        net.jqwik.api.Assume.that(!form.contains("=PW") || (middle.indexOf('&') < 0 && middle.indexOf('#') < 0));
        String password = "Zq" + middle + "Zq";
        String uri = form.replace("PW", password);
        String shown = StoreConfig.redact(uri);
        assertThat(shown).doesNotContain("Zq").contains("****");
    }

    @Example
    void redactionKeepsTheAddress() {
        assertThat(StoreConfig.redact("redis://app:s3cret@10.0.0.7:6380/2?prefix=a:"))
                .isEqualTo("redis://****@10.0.0.7:6380/2?prefix=a:");
        assertThat(StoreConfig.redact("redis-cluster://h1:7000,h2:7001")).isEqualTo("redis-cluster://h1:7000,h2:7001");
        assertThat(StoreConfig.redact("redis://h:1/0?password=x&prefix=p"))
                .isEqualTo("redis://h:1/0?password=****&prefix=p");
    }

    @Property
    void errorCodesAreOnlyTheLeadingWord(@ForAll @StringLength(max = 60) String message) {
        String code = Engine.errorCode(message);
        assertThat(code.equals("an error") || code.matches("[A-Z]{2,32}")).isTrue();
        assertThat(Engine.errorCode("OOM command not allowed when used memory > 'maxmemory'."))
                .isEqualTo("OOM");
    }

    @Provide
    Arbitrary<String> forms() {
        return Arbitraries.of(
                "redis://user:PW@127.0.0.1:6379/0",
                "redis://PW@127.0.0.1:6379",
                "rediss://:PW@h:6380/1?prefix=a:",
                "redis-cluster://u:PW@h1:7000,h2:7001",
                "redis-sentinel://u:PW@s1:26379,s2:26379/0#mymaster",
                "redis://127.0.0.1:6379/0?password=PW&prefix=a:",
                "redis://u:PW@h:1/0?clientName=a@b",
                "redis://h:1/0?cursorKey=PW&prefix=a:");
    }

    @Provide
    Arbitrary<List<Object>> replies() {
        Arbitrary<Object> leaf = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(24).map(b -> (Object) b),
                Arbitraries.longs().map(n -> (Object) Codec.ascii(n)),
                Arbitraries.longs().map(n -> (Object) n),
                Arbitraries.of(
                                Codec.field(Codec.EXPIRES),
                                Codec.field(Codec.VERSION),
                                Codec.field(Codec.CREATED),
                                Codec.field(Codec.ACCESSED),
                                new byte[] {'0'},
                                new byte[] {'2'})
                        .map(b -> (Object) b.clone()),
                Arbitraries.just(null));
        Arbitrary<Object> nested = leaf.list().ofMaxSize(3).map(l -> (Object) l);
        return Arbitraries.oneOf(leaf, leaf, leaf, nested).list().ofMaxSize(12).map(l ->
                (List<Object>) new ArrayList<>(l));
    }

    @Provide
    Arbitrary<Map<byte[], byte[]>> hashes() {
        Arbitrary<byte[]> names = Arbitraries.oneOf(
                Arbitraries.of(Codec.EXPIRES, Codec.CREATED, Codec.STATUS, Codec.REASON, Codec.COUNT, (byte) 'x')
                        .map(Codec::field),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12).map(b -> {
                    byte[] m = new byte[b.length + 1];
                    m[0] = Codec.MARKER;
                    System.arraycopy(b, 0, m, 1, b.length);
                    return m;
                }),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
        Arbitrary<byte[]> values = Arbitraries.oneOf(
                Arbitraries.longs().map(Codec::ascii),
                Arbitraries.of("0", "1", "2", "3").map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(24));
        return net.jqwik.api.Combinators.combine(
                        names.list().ofMaxSize(10), values.list().ofSize(10))
                .as((n, v) -> {
                    Map<byte[], byte[]> m = new LinkedHashMap<>();
                    for (int i = 0; i < n.size(); i++) {
                        m.put(n.get(i), v.get(i));
                    }
                    return m;
                });
    }
}
