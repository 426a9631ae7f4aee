package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Micrometer stays optional: the typed registry overload costs nothing to those who do not call it. */
class WithoutMicrometerTest {

    @Test
    void aStoreOpensAndWorksOnAClassPathWithoutMicrometer() throws Exception {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        String classPath = Arrays.stream(entries)
                .filter(e -> !e.contains("micrometer"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath.split(File.pathSeparator)).hasSizeLessThan(entries.length);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                WithoutMicrometerMain.class.getName()));
        Path errors = Files.createTempFile("hourglass-no-micrometer", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("output; errors: %s", Files.readString(errors)).isEqualTo("ok");
            assertThat(p.exitValue()).isZero();
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
