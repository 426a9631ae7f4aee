package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the whole HTTP path: raw request bytes go over a loopback socket into
 * one real server on {@code memory:} (Undertow's parser, the router, every handler, the store). Each
 * input is written, the socket's output half-closed, and the answer read. An input fails the target
 * when the server neither answers nor closes in time (a hang), answers something that is not
 * HTTP/1.x, answers a 5xx other than 501 (not implemented), 503 (unavailable), 505 (version) or 507
 * (full), or answers an error whose body shows internals (class names, stack frames, connection
 * strings) that the input did not itself contain; and when the server stops answering afterwards.
 */
class HttpFuzzTest {

    /** How long the server may take to answer or close once the request is complete. */
    static final int ANSWER_MS = 5_000;

    static final Set<Integer> JUSTIFIED_5XX = Set.of(501, 503, 505, 507);

    static final Pattern INTERNALS = Pattern.compile(String.join(
            "|",
            "(?:\\b[a-z][a-z0-9_]*\\.){2,}[A-Z]\\w*",
            "\\w*Exception\\b",
            "\\tat ",
            "`[^`]*`",
            "://",
            "\\b\\d{1,3}(?:\\.\\d{1,3}){3}:\\d{1,5}\\b"));

    static final Pattern WAIT = Pattern.compile("(?i)wait=\\+*0*(\\d{1,6})");

    static ServerFixture http;

    @BeforeAll
    static void start() {
        http = new ServerFixture("memory:");
        assertThat(http.post("/api/streams/open", null).status()).isEqualTo(201);
        assertThat(http.post("/api/streams/done", null).status()).isEqualTo(201);
        assertThat(http.post("/api/streams/done/messages", "m1").status()).isEqualTo(200);
        assertThat(http.post("/api/streams/done/complete", null).status()).isEqualTo(200);
        assertThat(http.put("/api/sessions/s1", "{\"a\":1,\"b\":[true,null,\"x\"]}")
                        .status())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        try {
            assertThat(http.get("/health").status()).isEqualTo(200);
        } finally {
            http.close();
        }
    }

    private static volatile boolean connectionsAllowed;

    @FuzzTest(maxDuration = "5s")
    void rawRequest(byte[] request) throws IOException {
        allowConnectionsToTheServer();
        String input = new String(request, StandardCharsets.ISO_8859_1);
        String answer = exchange(request, ANSWER_MS + longestWait(input));
        if (!answer.isEmpty() && !answer.startsWith("HTTP/1.")) {
            fail("not an HTTP answer: %s", abbreviate(answer));
        }
        int at = 0;
        while (at < answer.length() && answer.startsWith("HTTP/1.", at)) {
            int headEnd = answer.indexOf("\r\n\r\n", at);
            if (headEnd < 0 || answer.length() < at + 12) {
                break;
            }
            int status = Integer.parseInt(answer.substring(at + 9, at + 12));
            String head = answer.substring(at, headEnd).toLowerCase(Locale.ROOT);
            if (status >= 500 && !JUSTIFIED_5XX.contains(status)) {
                fail("answered %d to %s: %s", status, abbreviate(input), abbreviate(answer.substring(at)));
            }
            int bodyStart = headEnd + 4;
            int bodyEnd = bodyEnd(answer, head, status, bodyStart);
            if (head.contains("content-type: text/event-stream") || bodyEnd < 0) {
                break;
            }
            if (status >= 400) {
                leaks(answer.substring(bodyStart, bodyEnd), input);
            }
            at = bodyEnd;
        }
        if (answer.isEmpty()) {
            assertThat(http.get("/health").status())
                    .as("the server still answers after %s", abbreviate(input))
                    .isEqualTo(200);
        }
    }

    /**
     * Tells Jazzer's request-forgery detector that this target connects to its own server by design.
     * Without the detector loaded (a replay without Jazzer's agent) there is nothing to tell.
     */
    private static void allowConnectionsToTheServer() {
        if (connectionsAllowed) {
            return;
        }
        int port = http.server.port();
        try {
            BugDetectors.allowNetworkConnections((host, p) -> p == port);
        } catch (IllegalStateException detectorNotLoaded) {
            // no detector, no connection is refused
        }
        connectionsAllowed = true;
    }

    /** Writes the request, half-closes, and reads until the server closes; fails on a hang. */
    static String exchange(byte[] request, int timeoutMs) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", http.server.port())) {
            socket.setSoTimeout(timeoutMs);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                // the server answered and closed before taking all of it: read what it said
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    if (out.size() > 256 && streaming(out)) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                if (!streaming(out)) {
                    fail(
                            "no answer and no close within %d ms to %s; answered so far: %s",
                            timeoutMs,
                            abbreviate(new String(request, StandardCharsets.ISO_8859_1)),
                            abbreviate(out.toString(StandardCharsets.ISO_8859_1)));
                }
            } catch (IOException reset) {
                // a connection reset after the answer is a close
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** Whether the last answer so far is an event stream that has started: it goes on until the stream ends. */
    private static boolean streaming(ByteArrayOutputStream out) {
        String s = out.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int last = s.lastIndexOf("http/1.1 200");
        return last >= 0 && s.indexOf("content-type: text/event-stream", last) > 0 && s.indexOf("\r\n\r\n", last) > 0;
    }

    /** The longest wait a long poll in the input may ask for, in ms, capped at the server's limit. */
    static int longestWait(String input) {
        String decoded = input.replace("%77", "w")
                .replace("%57", "W")
                .replace("%61", "a")
                .replace("%41", "A")
                .replace("%69", "i")
                .replace("%49", "I")
                .replace("%74", "t")
                .replace("%54", "T")
                .replace("%3D", "=")
                .replace("%3d", "=");
        int longest = 0;
        Matcher m = WAIT.matcher(decoded);
        while (m.find()) {
            longest = (int) Math.max(longest, Math.min(StreamApi.MAX_WAIT_MS, Long.parseLong(m.group(1))));
        }
        return longest;
    }

    /** Where the body that starts at {@code start} ends, or -1 when it cannot be told (or runs to the close). */
    private static int bodyEnd(String answer, String head, int status, int start) {
        if (status < 200 || status == 204 || status == 304) {
            return start;
        }
        Matcher length = Pattern.compile("\r\ncontent-length: *(\\d+)").matcher(head);
        if (length.find()) {
            long n = Long.parseLong(length.group(1));
            return start + n <= answer.length() ? (int) (start + n) : -1;
        }
        if (head.contains("\r\ntransfer-encoding: chunked")) {
            int at = start;
            while (true) {
                int eol = answer.indexOf("\r\n", at);
                if (eol < 0) {
                    return -1;
                }
                int size;
                try {
                    size = Integer.parseInt(answer.substring(at, eol).trim(), 16);
                } catch (NumberFormatException e) {
                    return -1;
                }
                at = eol + 2 + size + 2;
                if (size == 0) {
                    return Math.min(at, answer.length());
                }
            }
        }
        return answer.length();
    }

    /** Fails when the error text (JSON-decoded, as a client reads it) shows internals the input did not hold. */
    private static void leaks(String body, String input) {
        String text;
        try {
            text = ServerFixture.READER.readTree(body).path("error").asText(body);
        } catch (IOException notJson) {
            text = body;
        }
        Matcher m = INTERNALS.matcher(text);
        while (m.find()) {
            if (!input.contains(m.group()) && !decode(input).contains(m.group())) {
                fail("an error body shows internals ('%s'): %s", m.group(), abbreviate(body));
            }
        }
    }

    /** The input with every %XX decoded as a byte and read as UTF-8, to recognise echoes of it. */
    private static String decode(String input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            int hi = c == '%' && i + 2 < input.length() ? Character.digit(input.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(input.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c == '+' ? ' ' : c);
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8) + "\n" + input.replace("\\\\", "\\");
    }

    private static String abbreviate(String s) {
        String t = s.replace("\r", "\\r").replace("\n", "\\n");
        return t.length() <= 400 ? t : t.substring(0, 400) + "...(" + t.length() + " chars)";
    }
}
