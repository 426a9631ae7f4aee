package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.contract.SecondJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 connections at once against a server in a second JVM, a quarter SSE, a quarter waiting long
 * polls, half plain reads: each is served or shed with 503 and {@code Retry-After}, never left
 * unanswered; the server stays within its heap and afterwards serves normally with every count back
 * at zero. The server's limits are set below the burst so that each of them sheds.
 */
class ConnectionBurstTest {

    private static final int CONNECTIONS = 10_000;
    private static final int MAX_CONNECTIONS = 6_000;
    private static final int MAX_STREAMS = 1_000;
    private static final int MAX_PENDING = 200;

    /** One connection of the burst and what it was answered. */
    private record Answer(String kind, int status, boolean retryAfter) {}

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void burstIsServedOrShedAndTheServerRecovers() throws Exception {
        Path out = Files.createTempFile("hourglass-burst", ".txt");
        try (SecondJvm jvm = SecondJvm.start(
                ConnectionBurstServer.class,
                out.toString(),
                Integer.toString(MAX_CONNECTIONS),
                Integer.toString(MAX_STREAMS),
                Integer.toString(MAX_PENDING))) {
            int port =
                    Integer.parseInt(awaitLine(jvm, out, "port ").substring(5).trim());
            OutputStream control = jvm.process().getOutputStream();

            List<Socket> sockets = new ArrayList<>(CONNECTIONS);
            List<String> kinds = new ArrayList<>(CONNECTIONS);
            List<Answer> answers = new ArrayList<>(CONNECTIONS);
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    Socket s = new Socket();
                    s.setSoLinger(true, 0);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    s.setSoTimeout(30_000);
                    String kind = switch (i % 4) {
                        case 0 -> "sse";
                        case 1 -> "poll";
                        default -> "read";
                    };
                    String path = switch (kind) {
                        case "sse" -> "/api/streams/burst/events?reader=sse-" + i;
                        case "poll" -> "/api/streams/burst/next?reader=poll-" + i + "&wait=5000";
                        default -> "/api/streams/burst";
                    };
                    s.getOutputStream()
                            .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1));
                    sockets.add(s);
                    kinds.add(kind);
                }
                for (int i = 0; i < CONNECTIONS; i++) {
                    answers.add(head(kinds.get(i), sockets.get(i)));
                }
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }

            Map<String, Integer> counts = new TreeMap<>();
            for (Answer a : answers) {
                counts.merge(a.kind() + " " + a.status(), 1, Integer::sum);
                assertThat(a.status())
                        .as("status of a %s in the burst (all: %s)", a.kind(), counts)
                        .isIn(200, 503);
                if (a.status() == 503) {
                    assertThat(a.retryAfter()).as("Retry-After on a 503").isTrue();
                }
            }
            System.out.println("burst answers by kind and status: " + counts);
            int sseServed = counts.getOrDefault("sse 200", 0);
            int pollServed = counts.getOrDefault("poll 200", 0);
            assertThat(sseServed).as("SSE served %s", counts).isPositive();
            assertThat(pollServed).as("long polls served %s", counts).isPositive();
            assertThat(sseServed).as("SSE served %s", counts).isLessThanOrEqualTo(MAX_STREAMS);
            assertThat(counts.getOrDefault("read 200", 0))
                    .as("reads served %s", counts)
                    .isPositive();
            assertThat(counts.getOrDefault("sse 503", 0)
                            + counts.getOrDefault("poll 503", 0)
                            + counts.getOrDefault("read 503", 0))
                    .as("shed %s", counts)
                    .isPositive();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String stats;
            do {
                Thread.sleep(200);
                control.write("stats\n".getBytes(StandardCharsets.UTF_8));
                control.flush();
                stats = awaitLine(jvm, out, "stats ");
            } while (!stats.startsWith("stats 0 0 0 ") && System.nanoTime() < deadline);
            assertThat(stats)
                    .as("connections, pending requests and streaming connections after the burst")
                    .startsWith("stats 0 0 0 ");

            assertThat(status(port, "/health")).isEqualTo(200);
            assertThat(status(port, "/api/streams/burst")).isEqualTo(200);
            try (SseClient sse = new SseClient(port, "/api/streams/burst/events?reader=after")) {
                assertThat(sse.status()).isEqualTo(200);
            }
            assertThat(jvm.process().isAlive()).isTrue();
            control.close();
            assertThat(jvm.awaitSuccess(30, TimeUnit.SECONDS)).contains("closed");
            assertThat(jvm.errorTail()).doesNotContain("OutOfMemoryError");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The status and whether Retry-After came, from the response head on {@code s}. */
    private static Answer head(String kind, Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String text = head.toString();
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Answer(kind, -1, false);
        }
        return new Answer(
                kind,
                Integer.parseInt(text.substring(9, 12)),
                text.toLowerCase(Locale.ROOT).contains("\r\nretry-after: 1\r\n"));
    }

    /** Waits for the second JVM to write a line starting with {@code prefix} to {@code out}. */
    private static String awaitLine(SecondJvm jvm, Path out, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String s = Files.readString(out);
            if (s.startsWith(prefix) && s.endsWith("\n")) {
                Files.writeString(out, "");
                return s.trim();
            }
            if (!jvm.process().isAlive()) {
                throw new AssertionError("server JVM ended: " + jvm.errorTail());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + prefix + "' from the server JVM: " + jvm.errorTail());
    }

    /** The status of {@code GET path} on a new connection. */
    private static int status(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            return head("after", s).status();
        }
    }
}
