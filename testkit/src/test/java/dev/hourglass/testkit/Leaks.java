package dev.hourglass.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Assertions that a closed server left no process, port or directory behind. */
final class Leaks {

    private Leaks() {}

    static void assertNoChildProcesses() {
        List<String> alive = ProcessHandle.current()
                .descendants()
                .filter(handle -> !Processes.isGone(handle))
                .map(handle -> handle.pid() + " " + handle.info().commandLine().orElse("?"))
                .toList();
        assertEquals(List.of(), alive, "processes left running");
    }

    static void assertReleased(int port, String dirPrefix) {
        assertTrue(FreePorts.isFree(port), "port " + port + " is still bound");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> entries = Files.list(tmp)) {
            String prefix = dirPrefix + port + "-";
            List<Path> left = entries.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .toList();
            assertEquals(List.of(), left, "directories left behind");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
