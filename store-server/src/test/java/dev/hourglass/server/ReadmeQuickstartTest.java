package dev.hourglass.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart at the top of the project README compiles exactly as written and runs: its block is
 * cut out of README.md, compiled against this module's class path (every backend and Jackson), and run
 * in a second JVM whose working directory is empty, so its {@code chronicle:./data} lands there.
 */
class ReadmeQuickstartTest {

    private static final Pattern FIRST_JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void quickstartCompilesAndRuns(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), UTF_8);
        Matcher m = FIRST_JAVA_BLOCK.matcher(readme);
        assertThat(m.find()).as("README.md has a java block").isTrue();
        String source = """
                import static java.nio.charset.StandardCharsets.UTF_8;

                import dev.hourglass.*;
                import java.time.Duration;
                import java.util.Map;
                import java.util.Optional;
                import java.util.Set;

                public class Quickstart {
                    public static void main(String[] args) {
                %s
                        System.out.println("quickstart done");
                    }
                }
                """.formatted(m.group(1));
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Path work = dir.resolve("work");
        Files.createDirectories(src);
        Files.createDirectories(classes);
        Files.createDirectories(work);
        Path file = src.resolve("Quickstart.java");
        Files.writeString(file, source, UTF_8);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a full JDK runs the tests").isNotNull();
        // The application's class path: the modules and their dependencies, not this module's test classes.
        String classPath = String.join(
                File.pathSeparator,
                List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                        .filter(e -> !e.endsWith("test-classes"))
                        .toList());
        int rc = javac.run(null, null, null, "-proc:none", "-cp", classPath, "-d", classes.toString(), file.toString());
        assertThat(rc)
                .as("the README quickstart compiles as written:\n" + source)
                .isZero();

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(classes + File.pathSeparator + classPath);
        cmd.add("Quickstart");
        Path log = dir.resolve("run.log");
        Process p = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean exited = p.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, UTF_8);
        assertThat(exited).as("quickstart finished; output:\n" + output).isTrue();
        assertThat(p.exitValue()).as("quickstart exit code; output:\n" + output).isZero();
        assertThat(output).contains("quickstart done");
        assertThat(work.resolve("data"))
                .as("the default chronicle:./data was created in the working directory")
                .isDirectory();
    }
}
