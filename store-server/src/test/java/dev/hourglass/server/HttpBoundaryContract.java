package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hourglass.server.ServerFixture.Response;
import dev.hourglass.spi.JsonSyntax;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile text at the HTTP boundary, as properties: any string (all planes, unpaired surrogates sent
 * as the bytes or escapes a careless client would send, NUL, controls) as a session id, an attribute
 * name or value, or a reader name is either kept and read back exactly or refused with 400 for the
 * documented reason, never stored in a form that does not read back (no 500, ever); arbitrary bytes
 * as a JSON body are stored as the JSON they are or refused with 400.
 *
 * <p>A backend's test extends this class with its store URI; one server per class serves its tries.
 */
abstract class HttpBoundaryContract {

    private static final Map<Class<?>, ServerFixture> FIXTURES = new ConcurrentHashMap<>();
    private static final AtomicLong TRIES = new AtomicLong();

    abstract String storeUri();

    ServerFixture http() {
        return FIXTURES.computeIfAbsent(getClass(), k -> {
            ServerFixture f = new ServerFixture(storeUri());
            assertThat(f.post("/api/streams/done", null).status()).isEqualTo(201);
            assertThat(f.post("/api/streams/done/complete", null).status()).isEqualTo(200);
            return f;
        });
    }

    @AfterContainer
    static void closeServers() {
        FIXTURES.values().forEach(ServerFixture::close);
        FIXTURES.clear();
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(24);
        Arbitrary<String> codePoints = Arbitraries.integers()
                .between(0, Character.MAX_CODE_POINT)
                .list()
                .ofMaxSize(12)
                .map(cps -> {
                    StringBuilder sb = new StringBuilder();
                    cps.forEach(sb::appendCodePoint);
                    return sb.toString();
                });
        Arbitrary<String> printable = Arbitraries.strings()
                .withCharRange('!', '~')
                .withCharRange('\u00a0', '\u024f')
                .withChars('\u4e2d', '\u6587', '/', '%', '+', '?', '#', '&', '=', '.', ' ')
                .ofMinLength(1)
                .ofMaxLength(300);
        Arbitrary<String> edges = Arbitraries.of(
                "",
                "\u0000",
                "a\u0000b",
                "\u007f",
                "\u0085",
                "\ud800",
                "\udc00",
                "\udc00\ud800",
                "x\ud83dy",
                "\ud83d\ude00",
                "\uffff",
                "\ufffe",
                "\ufeff",
                ".",
                "..",
                "%00",
                "%2F",
                "x".repeat(256),
                "x".repeat(257),
                "\u00e9".repeat(128),
                "\u00e9".repeat(129),
                "\ud83d\ude00".repeat(64));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, anyChars), net.jqwik.api.Tuple.of(3, codePoints),
                net.jqwik.api.Tuple.of(2, printable), net.jqwik.api.Tuple.of(2, edges));
    }

    /** The store's rule for ids and reader names, stated independently: 1..256 bytes of printable UTF-8. */
    static boolean validName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                return false;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return s.getBytes(StandardCharsets.UTF_8).length <= 256;
    }

    static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Each code point as UTF-8 would encode it, lone surrogates included (as a careless encoder does). */
    static byte[] looseUtf8(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xC0 | cp >> 6);
                out.write(0x80 | cp & 0x3F);
            } else if (cp < 0x10000) {
                out.write(0xE0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            } else {
                out.write(0xF0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3F);
                out.write(0x80 | cp >> 6 & 0x3F);
                out.write(0x80 | cp & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** Every byte but letters and digits percent-encoded. */
    static String percent(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : looseUtf8(s)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
            }
        }
        return sb.toString();
    }

    /** A JSON string literal with every character escaped as backslash-u, lone surrogates included. */
    static String escaped(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            sb.append(String.format("\\u%04x", (int) s.charAt(i)));
        }
        return sb.append('"').toString();
    }

    static void assertNever5xx(Response r) {
        assertThat(r.status()).as("%s", r).isLessThan(500);
    }

    @Property(tries = 150)
    void sessionIdsRoundTripOrAre400(@ForAll("text") String id) {
        ServerFixture http = http();
        String path = "/api/sessions/" + percent(id);
        Response put = http.put(path, "{\"v\":1}");
        assertNever5xx(put);
        if (!validName(id)) {
            assertThat(put.status())
                    .as("%s for %s", put, List.of(id.chars().boxed().toList()))
                    .isEqualTo(400);
            return;
        }
        assertThat(put.status()).as("%s", put).isEqualTo(200);
        Response get = http.get(path);
        assertThat(get.status()).as("%s", get).isEqualTo(200);
        assertThat(get.data().path("sessionId").textValue()).isEqualTo(id);
        assertThat(get.data().path("sessionData").toString()).isEqualTo("{\"v\":1}");
        Response seed = http.get("/api/interview/sessions/" + percent(id));
        assertThat(seed.data().path("sessionId").textValue()).isEqualTo(id);
        assertThat(http.delete(path).status()).isEqualTo(200);
    }

    @Property(tries = 150)
    void attributeNamesAndValuesRoundTripOrAre400(@ForAll("text") String name, @ForAll("text") String value) {
        ServerFixture http = http();
        String path = "/api/sessions/attr-" + TRIES.incrementAndGet();
        String body = "{" + escaped(name) + ":" + escaped(value) + "}";
        Response put = http.put(path, body);
        assertNever5xx(put);
        boolean valid = wellFormed(name)
                && wellFormed(value)
                && !name.isEmpty()
                && name.getBytes(StandardCharsets.UTF_8).length <= 256;
        if (!valid) {
            assertThat(put.status()).as("%s", put).isEqualTo(400);
            assertThat(http.get(path).status()).isEqualTo(404);
            return;
        }
        assertThat(put.status()).as("%s", put).isEqualTo(200);
        Response get = http.get(path);
        assertThat(get.status()).as("%s", get).isEqualTo(200);
        JsonNode data = get.data().path("sessionData");
        assertThat(data.size()).isEqualTo(1);
        assertThat(data.fieldNames().next()).isEqualTo(name);
        assertThat(data.path(name).textValue()).isEqualTo(value);

        Response patch = http.patch(path, "{" + escaped(name) + ":[" + escaped(value) + "]}");
        assertThat(patch.status()).as("%s", patch).isEqualTo(200);
        assertThat(http.get(path).data().path("sessionData").path(name).path(0).textValue())
                .isEqualTo(value);
        assertThat(http.delete(path).status()).isEqualTo(200);
    }

    @Property(tries = 100)
    void readerNamesAreServedOrRefusedAlikeByNextAndEvents(@ForAll("text") String reader) {
        ServerFixture http = http();
        Response next = http.get("/api/streams/done/next?reader=" + percent(reader));
        Response events = http.get("/api/streams/done/events?reader=" + percent(reader));
        assertNever5xx(next);
        assertNever5xx(events);
        if (!validName(reader)) {
            assertThat(next.status()).as("%s", next).isEqualTo(400);
            assertThat(events.status()).as("%s", events).isEqualTo(400);
            assertThat(events.error()).isEqualTo(next.error());
            return;
        }
        assertThat(next.status()).as("%s", next).isEqualTo(200);
        assertThat(next.data().path("ended").asBoolean()).isTrue();
        assertThat(events.status()).as("%s", events).isEqualTo(200);
        assertThat(events.body()).contains("event: end").contains("COMPLETED");
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(48);
        Arbitrary<byte[]> jsonish = Arbitraries.strings()
                .withChars("{}[]\":,.-+eE0123456789 \\utrfalsn/".toCharArray())
                .ofMaxLength(40)
                .map(s -> ("{\"k\":" + s).getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> withBytes = Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(8)
                .map(b -> {
                    byte[] out = new byte[b.length + 8];
                    System.arraycopy("{\"k\":\"".getBytes(StandardCharsets.US_ASCII), 0, out, 0, 6);
                    System.arraycopy(b, 0, out, 6, b.length);
                    out[out.length - 2] = '"';
                    out[out.length - 1] = '}';
                    return out;
                });
        return Arbitraries.oneOf(random, jsonish, withBytes);
    }

    @Property(tries = 150)
    void anyBodyIsStoredAsTheJsonItIsOrRefused(@ForAll("bodies") byte[] body) throws Exception {
        ServerFixture http = http();
        String path = "/api/sessions/body-" + TRIES.incrementAndGet();
        Response put = http.send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body));
        assertNever5xx(put);
        if (put.status() != 200) {
            assertThat(put.status()).as("%s", put).isEqualTo(400);
            assertThat(http.get(path).status()).isEqualTo(404);
            return;
        }
        assertThat((JsonSyntax.problem(body) == null)).isTrue();
        Response get = http.get(path);
        assertThat(get.status()).as("%s", get).isEqualTo(200);
        assertThat(get.data().path("sessionData")).isEqualTo(ServerFixture.READER.readTree(body));
        assertThat(http.delete(path).status()).isEqualTo(200);
    }
}
