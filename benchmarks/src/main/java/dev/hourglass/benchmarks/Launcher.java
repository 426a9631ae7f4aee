package dev.hourglass.benchmarks;

import dev.hourglass.Hourglass;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks of one profile: starts private Redis, MariaDB and PostgreSQL instances on
 * loopback, runs JMH with their addresses passed to every fork, writes the JMH JSON, and stops the
 * servers. Usage: {@code Launcher quick|full <result.json> [benchmark regex...]}.
 *
 * <p>quick: one fork, one 1 s warm-up and two 500 ms measurements per benchmark (the whole set,
 * about 140 benchmarks, in under 15 minutes on an idle 2-core machine). full: two forks, three 1 s
 * warm-ups and five 2 s measurements each (about 75 minutes).
 *
 * <p>{@link StoreSizeBench} (10M-session stores) runs only when a regex names it. Its Chronicle
 * stores live in a directory of the run, kept across forks and deleted when the launcher exits.
 *
 * <p>Environment: {@code BENCH_THREADS=n} runs every benchmark method on n threads;
 * {@code BENCH_MEASURE=s} makes a full run's measurement iterations s seconds long (default 2);
 * {@code BENCH_PARAMS="name=v1,v2 ..."} sets benchmark parameters, replacing the launcher's
 * {@code backend} and {@code store} lists or a class's own values (for example
 * {@code backend=redis,mariadb,postgresql} or {@code sessions=10000}).
 */
public final class Launcher {

    private Launcher() {}

    /** {@code BENCH_PARAMS}: whitespace-separated {@code name=v1,v2} items, in their order. */
    static Map<String, List<String>> params(String spec) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return params;
        }
        for (String item : spec.trim().split("\\s+")) {
            int eq = item.indexOf('=');
            if (eq < 1 || eq == item.length() - 1) {
                throw new IllegalArgumentException("BENCH_PARAMS items are name=v1,v2; was '" + item + "'");
            }
            params.put(item.substring(0, eq), List.of(item.substring(eq + 1).split(",")));
        }
        return params;
    }

    /** {@code BENCH_MEASURE}: seconds per measurement iteration of a full run, 2 when unset. */
    static long measureMillis(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 2_000;
        }
        double s = Double.parseDouble(seconds.trim());
        if (!(s >= 0.1 && s <= 600)) {
            throw new IllegalArgumentException("BENCH_MEASURE must be 0.1 to 600 seconds, was " + seconds);
        }
        return Math.round(s * 1000);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("quick") || args[0].equals("full"))) {
            System.err.println("usage: Launcher quick|full <result.json> [benchmark regex...]");
            System.exit(2);
        }
        boolean quick = args[0].equals("quick");
        Path result = Path.of(args[1]);
        Files.createDirectories(result.toAbsolutePath().getParent());
        List<String> includes = Arrays.asList(args).subList(2, args.length);

        List<String> schemes = Hourglass.schemes();
        List<String> backends = new ArrayList<>(List.of("memory"));
        List<String> sweepable = new ArrayList<>(List.of("memory"));
        if (schemes.contains("chronicle")) {
            backends.add("chronicle");
            sweepable.add("chronicle");
        }
        if (schemes.contains("redis")) {
            backends.add("redis");
        }
        if (schemes.contains("jdbc:mysql") || schemes.contains("jdbc:mariadb")) {
            backends.add("mariadb");
            sweepable.add("mariadb");
        }
        if (schemes.contains("jdbc:postgresql")) {
            backends.add("postgresql");
            sweepable.add("postgresql");
        }
        System.out.println("# Hourglass backends on the class path: " + backends);

        long t0 = System.nanoTime();
        System.out.println("# starting private Redis, MariaDB and PostgreSQL on loopback...");
        // The forks get these and, from each benchmark's @Fork, the Chronicle options and heap size.
        List<String> serverProperties = Servers.startAll();
        Path storeSizeDir = Subjects.tempDir("hourglass-bench-size");
        serverProperties.add("-D" + StoreSizeBench.DIR + "=" + storeSizeDir);
        // At exit, also when the run is interrupted: a 10M-session store takes gigabytes.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Subjects.deleteTree(storeSizeDir), "bench-size-dir"));
        System.out.printf(
                "# servers up in %.1f s: %s, %s, %s%n",
                (System.nanoTime() - t0) / 1e9,
                System.getProperty(Servers.REDIS),
                System.getProperty(Servers.MARIADB),
                System.getProperty(Servers.POSTGRESQL));
        try {
            Map<String, List<String>> params = new LinkedHashMap<>();
            params.put("backend", backends);
            params.put("store", sweepable);
            params.putAll(params(System.getenv("BENCH_PARAMS")));
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .jvmArgs(serverProperties.toArray(String[]::new))
                    .result(result.toString())
                    .resultFormat(ResultFormatType.JSON)
                    .shouldFailOnError(false);
            params.forEach((name, values) -> options.param(name, values.toArray(String[]::new)));
            System.out.println("# parameters set for every benchmark that has them: " + params);
            if (includes.isEmpty()) {
                options.include(Launcher.class.getPackageName() + ".*Bench");
                options.exclude(StoreSizeBench.class.getSimpleName());
            } else {
                includes.forEach(options::include);
            }
            if (quick) {
                options.forks(1)
                        .warmupIterations(1)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(2)
                        .measurementTime(TimeValue.milliseconds(500));
            } else {
                options.forks(2)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(5)
                        .measurementTime(TimeValue.milliseconds(measureMillis(System.getenv("BENCH_MEASURE"))));
            }
            String threads = System.getenv("BENCH_THREADS");
            if (threads != null && !threads.isBlank()) {
                options.threads(Integer.parseInt(threads.trim()));
            }
            new Runner(options.build()).run();
        } finally {
            Servers.stopOwned();
        }
        System.out.printf(
                "# %s profile done in %.1f min; JMH results in %s%n", args[0], (System.nanoTime() - t0) / 60e9, result);
    }
}
