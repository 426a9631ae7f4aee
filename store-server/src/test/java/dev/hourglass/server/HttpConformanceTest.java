package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HTTP/1.1 as the server speaks it, over raw sockets: methods are case-sensitive, transfer codings
 * other than chunked get 501 at once, and each limit on bodies and headers holds exactly at the
 * limit and refuses one byte (or one field) past it, as documented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpConformanceTest {

    static final int MAX_BODY = 4096;

    ServerFixture http;

    @BeforeAll
    void start() {
        http = new ServerFixture("memory:", MAX_BODY);
        for (String stream : new String[] {"s", "te", "framing"}) {
            assertThat(http.post("/api/streams/" + stream, null).status()).isEqualTo(201);
        }
    }

    @AfterAll
    void stop() {
        http.close();
    }

    /** What the server answers to {@code request}, read until it closes or {@code timeoutMs} passes. */
    Answer raw(byte[] request, int timeoutMs) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", http.server.port())) {
            socket.setSoTimeout(timeoutMs);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            boolean closed = false;
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            }
            return new Answer(out.toString(StandardCharsets.UTF_8), closed, (System.nanoTime() - start) / 1_000_000);
        }
    }

    Answer raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1), 10_000);
    }

    record Answer(String text, boolean closed, long millis) {
        int status() {
            assertThat(text).as("an answer").startsWith("HTTP/1.");
            return Integer.parseInt(text.substring(9, 12));
        }

        String body() {
            int at = text.indexOf("\r\n\r\n");
            return at < 0 ? "" : text.substring(at + 4);
        }
    }

    @Test
    void methodsAreCaseSensitive() throws IOException {
        for (String method : new String[] {"get", "Get", "gET", "post", "delete"}) {
            Answer a = raw(method + " /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(method).isEqualTo(501);
            assertThat(a.body())
                    .contains("method '" + method + "' is not implemented")
                    .contains("case-sensitive");
        }
        Answer a = raw("get /api/sessions/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(a.status()).isEqualTo(501);
        assertThat(raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .status())
                .isEqualTo(200);
    }

    @Test
    void unknownMethodsGet501AndKnownOnesNotTakenHereGet405() throws IOException {
        for (String method : new String[] {"FOO", "PROPFIND", "BREW"}) {
            assertThat(raw(method + " /api/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .status())
                    .as(method)
                    .isEqualTo(501);
        }
        Answer put = raw("PUT /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.text()).contains("Allow: GET\r\n");
        Answer options = raw("OPTIONS /api/sessions/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(options.status()).isEqualTo(405);
        assertThat(options.text()).contains("Allow: GET, PUT, PATCH, DELETE\r\n");
    }

    @Test
    void unknownTransferCodingsGet501AtOnceAndTheConnectionCloses() throws IOException {
        for (String coding :
                new String[] {"gzip", "gzip, chunked", "chunked, gzip", "deflate", "identity", "x-custom"}) {
            Answer a = raw(
                    ("POST /api/streams/te/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
                                    + "\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1),
                    5_000);
            assertThat(a.status()).as(coding).isEqualTo(501);
            assertThat(a.body()).contains("transfer coding").contains("is not supported");
            assertThat(a.closed()).as("closed after %s", coding).isTrue();
            assertThat(a.millis()).as("answered at once for %s", coding).isLessThan(3_000);
        }
        Answer get = raw(
                "GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1),
                5_000);
        assertThat(get.status()).isEqualTo(501);
        assertThat(http.get("/api/streams/te").data().path("messageCount").asLong())
                .isZero();
    }

    @Test
    void chunkedInAnyCaseIsRead() throws IOException {
        Answer a = raw(
                "POST /api/streams/s/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n"
                        + "3\r\nabc\r\n0\r\n\r\n");
        assertThat(a.status()).as(a.text()).isEqualTo(200);
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreGets413() throws IOException {
        for (boolean chunked : new boolean[] {false, true}) {
            Answer at = raw(append(MAX_BODY, chunked));
            assertThat(at.status())
                    .as("%s at the limit: %s", chunked ? "chunked" : "sized", at.text())
                    .isEqualTo(200);
            Answer past = raw(append(MAX_BODY + 1, chunked));
            assertThat(past.status())
                    .as("%s one past", chunked ? "chunked" : "sized")
                    .isEqualTo(413);
            assertThat(past.body()).contains("is above the limit of " + MAX_BODY + " bytes");
        }
    }

    private static String append(int size, boolean chunked) {
        String body = "p".repeat(size);
        String head = "POST /api/streams/s/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
        if (chunked) {
            int half = size / 2;
            return head + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(half) + "\r\n"
                    + body.substring(0, half) + "\r\n" + Integer.toHexString(size - half) + "\r\n"
                    + body.substring(half) + "\r\n0\r\n\r\n";
        }
        return head + "Content-Length: " + size + "\r\n\r\n" + body;
    }

    /** Request line and headers of exactly {@code size} bytes, the blank line included. */
    private static String headerSection(int size) {
        String head = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Pad: ";
        String end = "\r\n\r\n";
        return head + "a".repeat(size - head.length() - end.length()) + end;
    }

    @Test
    void headersOfExactlyTheLimitAreReadAndOneByteMoreGets400() throws IOException {
        String at = headerSection(StoreServer.MAX_HEADER_BYTES);
        assertThat(at.length()).isEqualTo(64 * 1024);
        assertThat(raw(at).status()).isEqualTo(200);
        Answer past = raw(headerSection(StoreServer.MAX_HEADER_BYTES + 1));
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.closed()).isTrue();
    }

    @Test
    void theMostHeaderFieldsAreReadAndOneMoreGets400() throws IOException {
        String at = fields(StoreServer.MAX_HEADERS);
        assertThat(raw(at).status()).isEqualTo(200);
        assertThat(raw(fields(StoreServer.MAX_HEADERS + 1)).status()).isEqualTo(400);
    }

    /** A request with {@code count} header fields, Host and Connection among them. */
    private static String fields(int count) {
        return "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + IntStream.range(0, count - 2)
                        .mapToObj(i -> "X-F" + i + ": v\r\n")
                        .collect(Collectors.joining()) + "\r\n";
    }

    @Test
    void theMostQueryParametersAreReadAndOneMoreGets400() throws IOException {
        assertThat(raw(query(StoreServer.MAX_QUERY_PARAMETERS)).status()).isEqualTo(200);
        assertThat(raw(query(StoreServer.MAX_QUERY_PARAMETERS + 1)).status()).isEqualTo(400);
    }

    private static String query(int count) {
        return "GET /api/sessions?"
                + IntStream.range(0, count).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"))
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    }

    @Test
    void malformedFramingIsRefusedNotHung() throws IOException {
        for (String request : new String[] {
            "POST /api/streams/framing/messages HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /api/streams/framing/messages HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "POST /api/streams/framing/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /api/streams/framing/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            "GET /health HTTP/2.0\r\nHost: x\r\n\r\n",
            "GET /health\r\n\r\n"
        }) {
            Answer a = raw(request.getBytes(StandardCharsets.ISO_8859_1), 5_000);
            assertThat(a.closed()).as("closed: %s", request).isTrue();
            assertThat(a.text()).as(request).startsWith("HTTP/1.1 400");
        }
        assertThat(http.get("/api/streams/framing").data().path("messageCount").asLong())
                .isZero();
    }
}
