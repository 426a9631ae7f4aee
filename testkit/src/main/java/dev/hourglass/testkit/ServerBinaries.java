package dev.hourglass.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Locates the server binaries on this machine: on {@code PATH}, in the usual {@code sbin}
 * directories and, for PostgreSQL, in Debian's {@code /usr/lib/postgresql/<version>/bin} (newest
 * version first).
 */
public final class ServerBinaries {

    private static final List<Path> SYSTEM_DIRS = Stream.of(
                    "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
            .map(Path::of)
            .toList();
    private static final Path POSTGRESQL_VERSIONS = Path.of("/usr/lib/postgresql");

    private static final Map<String, String> DEBIAN_PACKAGES = Map.ofEntries(
            Map.entry("redis-server", "redis-server"),
            Map.entry("redis-cli", "redis-tools"),
            Map.entry("mariadbd", "mariadb-server"),
            Map.entry("mariadb-install-db", "mariadb-server"),
            Map.entry("mariadb", "mariadb-client"),
            Map.entry("mariadb-admin", "mariadb-client"),
            Map.entry("postgres", "postgresql"),
            Map.entry("initdb", "postgresql"),
            Map.entry("pg_ctl", "postgresql"),
            Map.entry("psql", "postgresql-client"),
            Map.entry("setpriv", "util-linux"));

    private static final Map<String, Path> FOUND = new ConcurrentHashMap<>();
    private static final Map<Path, String> VERSIONS = new ConcurrentHashMap<>();

    private ServerBinaries() {}

    /**
     * Returns the path of an executable, such as {@code redis-server}, {@code mariadbd} or {@code
     * postgres}.
     *
     * @throws IllegalStateException naming the places searched and the Debian package to install,
     *     if the executable is not found
     */
    public static Path locate(String executable) {
        Path found = FOUND.get(executable);
        if (found == null) {
            found = searchPath().stream()
                    .map(dir -> dir.resolve(executable))
                    .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path))
                    .findFirst()
                    .orElseThrow(() -> notFound(executable));
            FOUND.put(executable, found);
        }
        return found;
    }

    /** The first token of the {@code --version} output of {@code binary} that starts with a digit. */
    static String version(Path binary) {
        return VERSIONS.computeIfAbsent(binary, ServerBinaries::queryVersion);
    }

    private static String queryVersion(Path binary) {
        String output =
                Exec.check(List.of(binary.toString(), "--version"), null).stdout();
        return Stream.of(output.split("\\s+"))
                .filter(token -> !token.isEmpty() && Character.isDigit(token.charAt(0)))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalStateException("no version in the output of " + binary + " --version: " + output));
    }

    private static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(path -> Stream.of(path.split(File.pathSeparator)))
                .filter(entry -> !entry.isEmpty())
                .map(Path::of)
                .forEach(dirs::add);
        dirs.addAll(SYSTEM_DIRS);
        dirs.addAll(postgresqlBinDirs());
        return dirs;
    }

    private static List<Path> postgresqlBinDirs() {
        if (!Files.isDirectory(POSTGRESQL_VERSIONS)) {
            return List.of();
        }
        try (Stream<Path> versions = Files.list(POSTGRESQL_VERSIONS)) {
            return versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .sorted(Comparator.comparingDouble(ServerBinaries::versionOf)
                            .reversed())
                    .map(dir -> dir.resolve("bin"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + POSTGRESQL_VERSIONS, e);
        }
    }

    private static double versionOf(Path dir) {
        return Double.parseDouble(dir.getFileName().toString());
    }

    private static IllegalStateException notFound(String executable) {
        String pkg = DEBIAN_PACKAGES.get(executable);
        return new IllegalStateException(
                executable + " not found on PATH, in " + SYSTEM_DIRS + " or in " + POSTGRESQL_VERSIONS
                        + "/*/bin"
                        + (pkg == null ? "" : "; install it with: apt-get install " + pkg));
    }
}
