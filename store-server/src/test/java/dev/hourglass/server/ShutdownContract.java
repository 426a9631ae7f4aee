package dev.hourglass.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as its own process: SIGTERM closes the store cleanly and the next start finds the data. */
abstract class ShutdownContract {

    static final List<String> JVM_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "-Xmx256m");

    @TempDir
    Path dir;

    final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The store URI for a server whose data lives in {@code dir}. */
    abstract String storeUri(Path dir);

    /** Whether data survives a restart. */
    abstract boolean persistent();

    /** A server process and the lines it logs. */
    final class ServerProcess {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new ArrayList<>();
        final int port;

        ServerProcess(String... args) throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(JVM_OPTIONS);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(StoreServer.class.getName());
            command.add("--port");
            command.add(Integer.toString(port));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(output ended: " + e + ")");
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits up to 60 s for a line containing {@code text}. */
        String await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    all.add(line);
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            throw new AssertionError("no line with '" + text + "' within 60 s; output: " + String.join("\n", all));
        }

        HttpResponse<String> send(String method, String path, String body) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(30))
                            .method(
                                    method,
                                    body == null
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** SIGTERM, then the exit code. */
        int terminate() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the server did not exit within 30 s of SIGTERM");
            }
            return process.exitValue();
        }
    }

    @Test
    void sigtermClosesTheStoreAndTheNextStartFindsTheData() throws Exception {
        String uri = storeUri(dir);
        ServerProcess first = new ServerProcess("--store", uri);
        try {
            first.await("serving");
            assertThat(first.send(
                                    "POST",
                                    "/api/interview/sessions",
                                    "{\"sessionId\":\"survivor\",\"sessionData\":{\"jobTitle\":\"kept\"}}")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(first.send("POST", "/api/streams/reply", null).statusCode())
                    .isEqualTo(201);
            assertThat(first.send("POST", "/api/streams/reply/messages", "chunk")
                            .statusCode())
                    .isEqualTo(200);
            assertThat(first.terminate()).isEqualTo(143);
            first.await("closed");
        } finally {
            first.process.destroyForcibly();
        }

        ServerProcess second = new ServerProcess("--store", uri);
        try {
            long start = System.nanoTime();
            String serving = second.await("serving");
            assertThat(serving).contains(String.valueOf(second.port));
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            HttpResponse<String> got = second.send("GET", "/api/interview/sessions/survivor", null);
            if (persistent()) {
                assertThat(got.statusCode()).isEqualTo(200);
                assertThat(got.body()).contains("\"jobTitle\":\"kept\"");
                assertThat(second.send("GET", "/api/streams/reply/next?reader=r", null)
                                .body())
                        .contains("\"payload\":\"chunk\"");
                assertThat(String.join("\n", second.all))
                        .doesNotContainIgnoringCase("repair")
                        .doesNotContainIgnoringCase("not closed cleanly");
                assertThat(startMs).as("start after a clean shutdown").isLessThan(30_000);
            } else {
                assertThat(got.statusCode()).isEqualTo(404);
            }
            assertThat(second.terminate()).isEqualTo(143);
        } finally {
            second.process.destroyForcibly();
        }
    }

    @Test
    void badOptionsStopTheStartWithAMessage() throws Exception {
        ServerProcess bad = new ServerProcess("--session-ttl", "forever");
        try {
            bad.await("--session-ttl must be a positive duration");
            assertThat(bad.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bad.process.exitValue()).isEqualTo(2);
        } finally {
            bad.process.destroyForcibly();
        }
    }
}
