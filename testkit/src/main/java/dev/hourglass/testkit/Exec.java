package dev.hourglass.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool to completion, capturing its output. */
final class Exec {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Exec() {}

    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        String describe() {
            return String.join(" ", command) + " exited with " + exitCode
                    + (stdout.isBlank() ? "" : "\nstdout:\n" + stdout.strip())
                    + (stderr.isBlank() ? "" : "\nstderr:\n" + stderr.strip());
        }
    }

    /** {@code output} without its trailing line breaks. */
    static String trimNewlines(String output) {
        int end = output.length();
        while (end > 0 && (output.charAt(end - 1) == '\n' || output.charAt(end - 1) == '\r')) {
            end--;
        }
        return output.substring(0, end);
    }

    /** Runs {@code command} and throws unless it exits with 0. */
    static Result check(List<String> command, String stdin) {
        Result result = run(command, stdin);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.describe());
        }
        return result;
    }

    /** Runs {@code command}, writing {@code stdin} (if not null) to its standard input. */
    static Result run(List<String> command, String stdin) {
        Path stdout = null;
        Path stderr = null;
        Process process = null;
        Runnable killAtExit = null;
        try {
            stdout = Dirs.createTempFile("hourglass-exec-");
            stderr = Dirs.createTempFile("hourglass-exec-");
            process = new ProcessBuilder(command)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            Process started = process;
            killAtExit = () -> Processes.killTree(started);
            Reaper.killAtExit(killAtExit);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(UTF_8));
                }
            } catch (IOException ignored) {
                // The tool exited without reading its input; its exit code and output tell why.
            }
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                Processes.killTree(process);
                throw new IllegalStateException(
                        String.join(" ", command) + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            return new Result(
                    List.copyOf(command),
                    process.exitValue(),
                    Files.readString(stdout, UTF_8),
                    Files.readString(stderr, UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Processes.killTree(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (killAtExit != null) {
                Reaper.forgetKill(killAtExit);
            }
            Dirs.deleteQuietly(stdout);
            Dirs.deleteQuietly(stderr);
        }
    }
}
