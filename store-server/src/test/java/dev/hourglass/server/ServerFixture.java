package dev.hourglass.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.FakeClock;
import dev.hourglass.spi.JsonSyntax;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A server on a free loopback port over a store opened with a fake clock (or the real one, where a
 * test needs the sweeper's own schedule), and an HTTP client for it.
 */
final class ServerFixture implements AutoCloseable {

    final FakeClock clock = new FakeClock();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Store store;
    final StoreServer server;
    final String base;
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ServerFixture(String storeUri) {
        this(storeUri, ServerConfig.DEFAULT_MAX_BODY);
    }

    /** {@code {tmp}} in a store URI: a fresh temporary directory, deleted on close. */
    static final String TMP = "{tmp}";

    private final Path dir;
    /** Closed after the server and the store, e.g. the private engine the store runs on. */
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    ServerFixture(String storeUri, long maxBody) {
        this(storeUri, maxBody, Connections.DEFAULTS, null, false);
    }

    /** A server with the given limits on connections and the SSE keep-alive interval. */
    ServerFixture(String storeUri, Connections connections) {
        this(storeUri, ServerConfig.DEFAULT_MAX_BODY, connections, null, false);
    }

    /** A server that requires {@code accessToken} as a bearer token. */
    ServerFixture(String storeUri, String accessToken) {
        this(storeUri, ServerConfig.DEFAULT_MAX_BODY, Connections.DEFAULTS, accessToken, false);
    }

    /** A server over a store on the system clock: TTLs pass in real time, {@link #clock} is not used. */
    static ServerFixture onRealClock(String storeUri) {
        return new ServerFixture(storeUri, ServerConfig.DEFAULT_MAX_BODY, Connections.DEFAULTS, null, true);
    }

    private ServerFixture(
            String storeUri, long maxBody, Connections connections, String accessToken, boolean realClock) {
        if (storeUri.contains(TMP)) {
            try {
                dir = Files.createTempDirectory("hourglass-server-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            storeUri = storeUri.replace(TMP, dir.toString());
        } else {
            dir = null;
        }
        store = Hourglass.open(
                storeUri,
                StoreOptions.builder()
                        .clock(realClock ? Clock.systemUTC() : clock)
                        .sweeperAutoStart(false)
                        .meterRegistry(registry)
                        .build());
        server = StoreServer.start(
                new ServerConfig(
                        storeUri,
                        "127.0.0.1",
                        0,
                        ServerConfig.DEFAULT_SESSION_TTL,
                        ServerConfig.DEFAULT_STREAM_TTL,
                        maxBody,
                        false,
                        accessToken,
                        false,
                        connections),
                store,
                registry);
        base = "http://127.0.0.1:" + server.port();
    }

    Response get(String path, String... headers) {
        return send("GET", path, (String) null, headers);
    }

    Response delete(String path, String... headers) {
        return send("DELETE", path, (String) null, headers);
    }

    Response post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    Response put(String path, String body, String... headers) {
        return send("PUT", path, body, headers);
    }

    Response patch(String path, String body, String... headers) {
        return send("PATCH", path, body, headers);
    }

    Response send(String method, String path, String body, String... headers) {
        return send(
                method,
                path,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8),
                headers);
    }

    Response send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code request} as it is over a new connection and returns everything the server answers. */
    String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            store.close();
            registry.close();
        } finally {
            for (AutoCloseable c : closeAfter) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + c, e);
                }
            }
            if (dir != null) {
                deleteRecursively(dir);
            }
        }
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads answers: deeper than request bodies may be, as the envelope adds levels around a stored value. */
    static final ObjectMapper READER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(4 * JsonSyntax.MAX_DEPTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A response with its body read as text and, on demand, as JSON. */
    record Response(HttpResponse<String> raw) {
        int status() {
            return raw.statusCode();
        }

        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        JsonNode json() {
            try {
                return READER.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + raw.statusCode() + "): " + raw.body(), e);
            }
        }

        JsonNode data() {
            return json().path("data");
        }

        String error() {
            return json().path("error").asText();
        }

        @Override
        public String toString() {
            return raw.statusCode() + " " + raw.body();
        }
    }
}
