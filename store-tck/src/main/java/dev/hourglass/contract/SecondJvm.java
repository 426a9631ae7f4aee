package dev.hourglass.contract;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running a main class of the test class path, with this JVM's module options
 * (so Chronicle's --add-opens carry over). Its standard output is collected line by line.
 */
public final class SecondJvm implements AutoCloseable {

    private final Process process;
    private final CompletableFuture<List<String>> output;
    private final Path errors;

    private SecondJvm(Process process, Path errors) {
        this.process = process;
        this.errors = errors;
        this.output = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("!io " + e);
            }
            return lines;
        });
    }

    /** Starts {@code mainClass} with {@code args} in a new JVM. */
    public static SecondJvm start(Class<?> mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-Dchronicle") || a.startsWith("-Xmx")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        Path errors = Files.createTempFile("hourglass-second-jvm", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
        return new SecondJvm(p, errors);
    }

    public Process process() {
        return process;
    }

    /** Waits for the exit and returns the output lines; fails with the error output if it failed. */
    public List<String> awaitSuccess(long timeout, TimeUnit unit) throws Exception {
        if (!process.waitFor(timeout, unit)) {
            process.destroyForcibly();
            throw new AssertionError("second JVM did not finish within " + timeout + " " + unit + ": " + errorTail());
        }
        List<String> lines = output.get(10, TimeUnit.SECONDS);
        if (process.exitValue() != 0) {
            throw new AssertionError("second JVM exited with " + process.exitValue() + ": " + errorTail());
        }
        return lines;
    }

    /** The output lines, once the process has exited (for a process that was killed). */
    public List<String> outputAfterExit() throws Exception {
        return output.get(60, TimeUnit.SECONDS);
    }

    public String errorTail() {
        try {
            List<String> lines = Files.readAllLines(errors);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no error output: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        Files.deleteIfExists(errors);
    }
}
