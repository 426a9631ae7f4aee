package dev.hourglass.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server jar starts with a plain {@code java -jar} on every JDK (17 and later) installed
 * beside the one running the build, serves {@code /health} on the embedded default store, prints no
 * JVM warning, and stops cleanly on SIGTERM. Runs after {@code package} (failsafe), on the real jar.
 */
class ServerJarIT {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> startsWithoutWarningsOnEveryInstalledJdk() throws IOException {
        Path jar = Path.of("target", "store-server.jar");
        assertThat(jar)
                .as("the server jar is built before the integration tests")
                .isRegularFile();
        Map<Integer, Path> jdks = installedJdks();
        assertThat(jdks).as("at least the JDK running the build").isNotEmpty();
        return jdks.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(
                        "JDK " + e.getKey(), () -> startAndStop(jar.toAbsolutePath(), e.getValue(), e.getKey())));
    }

    private void startAndStop(Path jar, Path java, int feature) throws Exception {
        Path work = Files.createDirectories(dir.resolve("jdk" + feature));
        Path log = work.resolve("out.log");
        int port = freePort();
        Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--port", String.valueOf(port))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            String body = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (body == null && System.nanoTime() < deadline && p.isAlive()) {
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    body = r.statusCode() == 200 ? r.body() : null;
                } catch (IOException e) {
                    Thread.sleep(200);
                }
            }
            String output = Files.readString(log, UTF_8);
            assertThat(body)
                    .as("health on JDK " + feature + "; output:\n" + output)
                    .contains("\"UP\"");
            assertThat(work.resolve("data")).as("the embedded default store").isDirectory();
            List<ProcessHandle> children =
                    new ArrayList<>(p.toHandle().descendants().toList());
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            for (ProcessHandle c : children) {
                assertThat(c.onExit().get(60, TimeUnit.SECONDS).isAlive())
                        .as("no server process left behind")
                        .isFalse();
            }
            output = Files.readString(log, UTF_8);
            assertThat(output).as("JVM warnings on JDK " + feature).doesNotContain("WARNING");
        } finally {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** JDKs of distinct feature versions 17 and later: the running one and those installed beside it. */
    private static Map<Integer, Path> installedJdks() throws IOException {
        Map<Integer, Path> found = new TreeMap<>();
        Path home = Path.of(System.getProperty("java.home"));
        found.put(Runtime.version().feature(), home.resolve("bin").resolve("java"));
        Path parent = home.toRealPath().getParent();
        if (parent == null) {
            return found;
        }
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path jdk : siblings.toList()) {
                Path java = jdk.resolve("bin").resolve("java");
                Path release = jdk.resolve("release");
                if (!Files.isExecutable(java) || !Files.isRegularFile(release)) {
                    continue;
                }
                Integer feature = featureOf(Files.readAllLines(release, UTF_8));
                if (feature != null && feature >= 17) {
                    found.putIfAbsent(feature, java);
                }
            }
        }
        return found;
    }

    private static Integer featureOf(List<String> release) {
        for (String line : release) {
            if (line.startsWith("JAVA_VERSION=")) {
                String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                String first = v.split("[.+-]")[0];
                try {
                    return Integer.parseInt(first);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
