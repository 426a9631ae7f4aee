package dev.hourglass.server;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server for {@link ConnectionBurstTest} in its own JVM, so that the burst's sockets on each side
 * count against separate file-descriptor limits. Args: the file to write the port and the figures
 * to, then max-connections, max-streams and max-pending. Each line {@code stats} on standard input
 * writes {@code connections pending streams heap-used-MiB}; end of input closes the server.
 */
final class ConnectionBurstServer {

    private ConnectionBurstServer() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Connections limits = new Connections(
                Duration.ofSeconds(15),
                Integer.parseInt(args[1]),
                Integer.parseInt(args[2]),
                Integer.parseInt(args[3]));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Store store = Hourglass.open(
                "memory:", StoreOptions.builder().meterRegistry(registry).build())) {
            store.streams().open("burst", Attributes.empty(), Duration.ofMinutes(30));
            StoreServer server = StoreServer.start(
                    new ServerConfig(
                            "memory:",
                            "127.0.0.1",
                            0,
                            ServerConfig.DEFAULT_SESSION_TTL,
                            ServerConfig.DEFAULT_STREAM_TTL,
                            ServerConfig.DEFAULT_MAX_BODY,
                            false,
                            null,
                            false,
                            limits),
                    store,
                    registry);
            Files.writeString(out, "port " + server.port() + "\n");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("stats")) {
                    Runtime rt = Runtime.getRuntime();
                    Admission a = server.admission();
                    Files.writeString(
                            out,
                            "stats " + a.connections() + " " + a.pending() + " " + a.streams() + " "
                                    + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + "\n");
                }
            }
            server.close();
        }
        registry.close();
        System.out.println("closed");
    }
}
