package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmOptionsTest {

    @TempDir
    Path dir;

    @Test
    void openingWithoutTheJvmOptionsFailsWithOneMessageListingThemAll() throws Exception {
        String output = run(List.of());
        assertThat(output).startsWith("dev.hourglass.StoreException: ").contains(JvmOptions.REQUIRED);
        assertThat(output.lines().count()).isEqualTo(1);
        assertThat(dir.resolve("store")).doesNotExist();
    }

    @Test
    void theMessageListsOnlyTheMissingOnes() throws Exception {
        String output = run(JvmOptions.REQUIRED.subList(0, 3));
        assertThat(output).contains(JvmOptions.REQUIRED.subList(3, 5));
        for (String given : JvmOptions.REQUIRED.subList(0, 3)) {
            assertThat(output).doesNotContain(given);
        }
    }

    private String run(List<String> options) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                NoJvmOptionsProbe.class.getName(),
                "chronicle:" + dir.resolve("store")));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
