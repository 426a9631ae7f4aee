package dev.hourglass.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Writes {@code RESULTS.md} and the PNG charts from JMH JSON results: for each engine and workload
 * the throughput of Hourglass, of the raw engine and of each peer, the ratios between them, and
 * each target of the project with its measured figure.
 * Usage: {@code Report <result.json>[,<more.json>...] <module dir> <command that produced them>}.
 *
 * <p>Several files are read in order and merged: a result of the same benchmark, parameters and
 * thread count in a later file replaces the earlier one. The engine tables and targets show each
 * subject's result at the fewest threads measured; the Threads section shows every thread count.
 */
public final class Report {

    /** Engines, in the order they are reported. */
    static final List<String> ENGINES = List.of("memory", "chronicle", "redis", "mariadb", "postgresql");

    static final List<String> WORKLOADS = List.of(
            "get",
            "put",
            "touch",
            "merge",
            "update",
            "getAndTouch",
            "createDelete",
            "getAll",
            "putAll",
            "append",
            "next",
            "mixed");
    static final Map<String, String> WORKLOAD_NAMES = new LinkedHashMap<>();

    static {
        WORKLOAD_NAMES.put("get", "get");
        WORKLOAD_NAMES.put("put", "put with TTL");
        WORKLOAD_NAMES.put("touch", "touch");
        WORKLOAD_NAMES.put("merge", "merge of two attributes");
        WORKLOAD_NAMES.put("update", "update (compare-and-set loop)");
        WORKLOAD_NAMES.put("getAndTouch", "get-and-touch (peers: load-touch-save)");
        WORKLOAD_NAMES.put("createDelete", "create + delete");
        WORKLOAD_NAMES.put("getAll", "batched get, 100 ids per call (per id)");
        WORKLOAD_NAMES.put("putAll", "batched put, 100 sessions per call (per session)");
        WORKLOAD_NAMES.put("append", "stream append");
        WORKLOAD_NAMES.put("next", "stream next(reader)");
        WORKLOAD_NAMES.put("mixed", "mixed 90% get / 10% put");
    }

    /** One measured subject on one engine. */
    record Subject(String engine, String name, Kind kind) {}

    enum Kind {
        HOURGLASS,
        RAW,
        PEER
    }

    record Score(double value, double error, String unit, int threads, double min, double max) {

        /** Iterations more than 3x apart: a stall of the shared machine, most likely; re-run before trusting it. */
        boolean unstable() {
            return min > 0 ? max / min > 3 : max > 0;
        }
    }

    private final Map<Subject, Map<String, Score>> scores = new LinkedHashMap<>();
    /** Every thread count measured: subject, then workload, then threads. */
    private final Map<Subject, Map<String, TreeMap<Integer, Score>>> byThreads = new LinkedHashMap<>();

    private final Map<String, Score> sweep = new LinkedHashMap<>();
    /** StoreSizeBench: engine, then workload, then sessions in the store. */
    private final Map<String, Map<String, TreeMap<Integer, Score>>> sizes = new LinkedHashMap<>();
    /** Every result read, by benchmark, parameters and threads; a later file's replaces an earlier one's. */
    private final Map<String, JsonNode> results = new LinkedHashMap<>();
    /** The files read, in order, as the page names them, and what each holds. */
    private final List<String> names = new ArrayList<>();

    private final List<String> files = new ArrayList<>();
    /** Benchmarks with no table of their own (limiters, near cache, peers of them), listed as measured. */
    private final List<Other> others = new ArrayList<>();

    private JsonNode first;

    record Other(String benchmark, String params, Score score) {}

    private static String paramsOf(JsonNode params) {
        if (params == null) {
            return "";
        }
        List<String> p = new ArrayList<>();
        params.fields()
                .forEachRemaining(e -> p.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", p);
    }

    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Report <result.json>[,<more.json>...] <module dir> <command>");
            System.exit(2);
        }
        Path module = Path.of(args[1]);
        String command = String.join(" ", List.of(args).subList(2, args.length));
        Report r = new Report();
        Path m = module.toAbsolutePath().normalize();
        for (String file : args[0].split(",")) {
            if (file.isBlank()) {
                continue;
            }
            Path j = Path.of(file.trim()).toAbsolutePath().normalize();
            r.read(
                    j,
                    j.startsWith(m)
                            ? m.relativize(j).toString()
                            : j.getFileName().toString());
        }
        r.classify();
        Path charts = module.resolve("charts");
        Files.createDirectories(charts);
        List<String> chartFiles = r.charts(charts);
        String md = r.markdown(command, chartFiles);
        // Pages of their own runs or of reading this one, kept beside the generated part.
        for (String page : List.of("http-load.md", "limiters.md", "near-cache.md", "spring-session.md", "streams.md")) {
            Path p = module.resolve(page);
            if (Files.isRegularFile(p)) {
                md = md + "\n" + Files.readString(p, StandardCharsets.UTF_8);
            }
        }
        Files.writeString(module.resolve("RESULTS.md"), md, StandardCharsets.UTF_8);
        System.out.println(
                "# wrote " + module.resolve("RESULTS.md") + " and " + chartFiles.size() + " charts in " + charts);
    }

    /** Reads one JMH JSON file, {@code name} as the page names it. */
    void read(Path json, String name) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        java.util.TreeSet<Integer> threads = new java.util.TreeSet<>();
        JsonNode head = null;
        for (JsonNode b : root) {
            head = head == null ? b : head;
            threads.add(b.path("threads").asInt());
            results.put(b.path("benchmark").asText() + " " + b.path("params") + " " + b.path("threads"), b);
        }
        if (first == null) {
            first = head;
        }
        names.add("`" + name + "`");
        StringBuilder about = new StringBuilder("`" + name + "`: " + root.size() + " results");
        if (head != null) {
            about.append(String.format(
                    Locale.ROOT,
                    ", %d fork(s), %d x %s warm-up, %d x %s measurement, %s",
                    head.path("forks").asInt(),
                    head.path("warmupIterations").asInt(),
                    head.path("warmupTime").asText(),
                    head.path("measurementIterations").asInt(),
                    head.path("measurementTime").asText(),
                    threads.size() == 1 && threads.first() == 1 ? "1 thread" : "threads " + threads));
        }
        files.add(about.toString());
    }

    /** Sorts the results read into the report's tables. */
    void classify() {
        for (JsonNode b : results.values()) {
            String full = b.get("benchmark").asText();
            String[] parts = full.split("\\.");
            String cls = parts[parts.length - 2];
            String method = parts[parts.length - 1];
            JsonNode params = b.get("params");
            JsonNode metric = b.get("primaryMetric");
            double min = Double.MAX_VALUE;
            double max = 0;
            for (JsonNode fork : metric.path("rawData")) {
                for (JsonNode v : fork) {
                    min = Math.min(min, v.asDouble());
                    max = Math.max(max, v.asDouble());
                }
            }
            Score score = new Score(
                    metric.get("score").asDouble(),
                    metric.get("scoreError").asDouble(),
                    metric.get("scoreUnit").asText(),
                    b.get("threads").asInt(),
                    min == Double.MAX_VALUE ? 0 : min,
                    max);
            String p = params == null
                    ? null
                    : params.elements().hasNext() ? params.elements().next().asText() : null;
            switch (cls) {
                case "HourglassBench" -> put(new Subject(p, "Hourglass", Kind.HOURGLASS), method, score);
                case "SweepBench" -> sweep.merge(p, score, Report::fewerThreads);
                case "StoreSizeBench" ->
                    sizes.computeIfAbsent(params.path("engine").asText(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(method, k -> new TreeMap<>())
                            .merge(params.path("sessions").asInt(), score, Report::fewerThreads);
                case "MapBench" -> put(new Subject("memory", "ConcurrentHashMap", Kind.RAW), method, score);
                case "CaffeineBench" -> put(new Subject("memory", "Caffeine", Kind.PEER), method, score);
                case "SpringMapBench" ->
                    put(new Subject("memory", "Spring MapSessionRepository", Kind.PEER), method, score);
                case "RawChronicleBench" ->
                    put(
                            params.path("layout").asText("grown").equals("grown")
                                    ? new Subject("chronicle", "Chronicle Map", Kind.RAW)
                                    : new Subject("chronicle", "Chronicle Map preallocated", Kind.PEER),
                            method,
                            score);
                case "LettuceBench" -> put(new Subject("redis", "lettuce sync", Kind.RAW), method, score);
                case "SpringRedisBench" ->
                    put(new Subject("redis", "Spring RedisSessionRepository", Kind.PEER), method, score);
                case "RedissonBench" -> put(new Subject("redis", "Redisson RMapCache", Kind.PEER), method, score);
                case "RawJdbcBench" -> put(new Subject(p, "raw JDBC", Kind.RAW), method, score);
                case "SpringJdbcBench" ->
                    put(new Subject(p, "Spring JdbcIndexedSessionRepository", Kind.PEER), method, score);
                default -> others.add(new Other(cls + "." + method, paramsOf(params), score));
            }
        }
    }

    /** ", 2 threads" when a row's figures ran on more than one thread ("" when on one). */
    private String threadsLabel(List<Subject> subjects, String workload) {
        java.util.TreeSet<Integer> threads = new java.util.TreeSet<>();
        for (Subject s : subjects) {
            Score sc = scores.get(s).get(workload);
            if (sc != null) {
                threads.add(sc.threads());
            }
        }
        if (threads.isEmpty() || threads.equals(java.util.Set.of(1))) {
            return "";
        }
        List<String> t = new ArrayList<>();
        threads.forEach(n -> t.add(Integer.toString(n)));
        return ", " + String.join(" or ", t) + " threads";
    }

    /** Files a subject's result: under its thread count, and in the engine tables if it has the fewest threads. */
    private void put(Subject s, String workload, Score score) {
        scores.computeIfAbsent(s, k -> new LinkedHashMap<>()).merge(workload, score, Report::fewerThreads);
        byThreads
                .computeIfAbsent(s, k -> new LinkedHashMap<>())
                .computeIfAbsent(workload, k -> new TreeMap<>())
                .put(score.threads(), score);
    }

    /** Of two results of one benchmark, the one on fewer threads (the later one when they ran on as many). */
    private static Score fewerThreads(Score earlier, Score later) {
        return earlier.threads() < later.threads() ? earlier : later;
    }

    private List<Subject> subjects(String engine) {
        List<Subject> list = new ArrayList<>();
        for (Kind k : Kind.values()) {
            for (Subject s : scores.keySet()) {
                if (s.engine().equals(engine) && s.kind() == k) {
                    list.add(s);
                }
            }
        }
        return list;
    }

    private Subject hourglass(String engine) {
        return new Subject(engine, "Hourglass", Kind.HOURGLASS);
    }

    private Double ops(String engine, String name, Kind kind, String workload) {
        Score s = score(engine, name, kind, workload);
        return s == null ? null : s.value();
    }

    private Score score(String engine, String name, Kind kind, String workload) {
        Map<String, Score> m = scores.get(new Subject(engine, name, kind));
        return m == null ? null : m.get(workload);
    }

    private String stability(String engine, String workload, String other, Kind kind, String otherWorkload) {
        Score h = score(engine, "Hourglass", Kind.HOURGLASS, workload);
        Score o = score(engine, other, kind, otherWorkload);
        return h.unstable() || o.unstable() ? " † unstable: re-run before trusting it" : "";
    }

    String markdown(String command, List<String> chartFiles) {
        StringBuilder md = new StringBuilder();
        md.append("# Hourglass benchmark results\n\n");
        md.append("Generated by `dev.hourglass.benchmarks.Report` from ");
        for (int i = 0; i < names.size(); i++) {
            md.append(i == 0 ? "" : i == names.size() - 1 ? " and " : ", ").append(names.get(i));
        }
        md.append(" (JMH JSON, kept in the repository). Do not edit by hand: re-run `benchmarks/run.sh`.\n\n");
        md.append("## How this was measured\n\n");
        md.append("- Command: `").append(command).append("`\n");
        if (files.size() > 1) {
            md.append("- Files, merged in this order (a later result of the same benchmark, parameters and threads")
                    .append(" replaces an earlier one):\n");
            files.forEach(f -> md.append("  - ").append(f).append('\n'));
        } else if (!files.isEmpty()) {
            md.append("- File: ").append(files.get(0)).append('\n');
        }
        md.append("- Machine: ").append(machine()).append('\n');
        if (first != null) {
            md.append("- JDK: ")
                    .append(first.path("vmName").asText())
                    .append(' ')
                    .append(first.path("vmVersion").asText())
                    .append(" (")
                    .append(first.path("jdkVersion").asText())
                    .append("), JMH ")
                    .append(first.path("jmhVersion").asText())
                    .append('\n');
            if (files.size() > 1) {
                md.append("- JVM options of the forks (first file): `")
                        .append(String.join(" ", jvmArgs()))
                        .append("`\n");
            } else {
                md.append("- JMH: ")
                        .append(first.path("forks").asInt())
                        .append(" fork(s), ")
                        .append(first.path("warmupIterations").asInt())
                        .append(" x ")
                        .append(first.path("warmupTime").asText())
                        .append(" warm-up, ")
                        .append(first.path("measurementIterations").asInt())
                        .append(" x ")
                        .append(first.path("measurementTime").asText())
                        .append(" measurement per benchmark; JVM options: `")
                        .append(String.join(" ", jvmArgs()))
                        .append("`\n");
            }
        }
        md.append("- Data: ")
                .append(String.format(Locale.ROOT, "%,d", Data.KEYS))
                .append(" sessions of ")
                .append(Data.NAMES.length)
                .append(" JSON-like attributes of ")
                .append(Data.VALUE_BYTES)
                .append(
                        " bytes (~1 KiB), keys chosen uniformly at random; writes cycle through the same 1,024 attribute sets")
                .append(" for every subject. Streams: messages of ")
                .append(Data.VALUE_BYTES)
                .append(" bytes; `next` reads 1,000-message")
                .append(
                        " streams to the end under 50 reader names in turn (streams written before each iteration, not measured);")
                .append(
                        " `append` opens a new stream every 1,000 messages (and deletes the last), which is measured.\n");
        md.append("- Servers: private redis-server, MariaDB and PostgreSQL instances started on loopback for the run, ")
                .append("shared by every subject of that engine; every subject of an engine runs in the same run.\n");
        md.append(
                "- The machine is shared and noisy: compare the ratios measured in one run, not absolute figures across runs.\n");
        md.append(
                        "- Ratios are throughput ratios: Hourglass ops/s divided by the other subject's ops/s (above 1 = Hourglass is faster).")
                .append(" Targets on time are the inverse (Hourglass time / other time).\n");
        md.append(
                        "- † marks a figure whose measurement iterations were more than 3x apart: the shared machine stalled during it;")
                .append(" such a figure (and any ratio or verdict built on it) says little until re-run.\n\n");

        md.append("## Targets\n\n");
        md.append("| target | measured | verdict |\n|---|---|---|\n");
        targets(md);
        md.append('\n');

        for (String engine : ENGINES) {
            List<Subject> subjects = subjects(engine);
            if (subjects.isEmpty()) {
                continue;
            }
            md.append("## ").append(engine).append("\n\n");
            if (!scores.containsKey(hourglass(engine))) {
                md.append("**The Hourglass ")
                        .append(engine)
                        .append(
                                " backend was not on the class path for this run (or failed): only its baselines and peers are shown.**\n\n");
            }
            String chart = "charts/" + engine + ".png";
            if (chartFiles.contains(chart)) {
                md.append("![")
                        .append(engine)
                        .append(" throughput](")
                        .append(chart)
                        .append(")\n\n");
            }
            if (chartFiles.contains("charts/" + engine + "-ratios.png")) {
                md.append("![")
                        .append(engine)
                        .append(" ratios](charts/")
                        .append(engine)
                        .append("-ratios.png)\n\n");
            }
            md.append("| workload |");
            for (Subject s : subjects) {
                md.append(' ').append(s.name()).append(" ops/s |");
            }
            Subject hg = hourglass(engine);
            for (Subject s : subjects) {
                if (!s.equals(hg)) {
                    md.append(" Hourglass / ").append(s.name()).append(" |");
                }
            }
            md.append("\n|---|");
            md.append("---:|".repeat(subjects.size() * 2 - (subjects.contains(hg) ? 1 : 0)));
            md.append('\n');
            for (String w : WORKLOADS) {
                boolean any = false;
                for (Subject s : subjects) {
                    any |= scores.get(s).containsKey(w);
                }
                if (!any) {
                    continue;
                }
                md.append("| ")
                        .append(WORKLOAD_NAMES.get(w))
                        .append(threadsLabel(subjects, w))
                        .append(" |");
                for (Subject s : subjects) {
                    Score sc = scores.get(s).get(w);
                    md.append(' ').append(sc == null ? "n/a" : withError(sc)).append(" |");
                }
                Score h = scores.containsKey(hg) ? scores.get(hg).get(w) : null;
                for (Subject s : subjects) {
                    if (s.equals(hg)) {
                        continue;
                    }
                    Score sc = scores.get(s).get(w);
                    md.append(' ')
                            .append(h == null || sc == null ? "n/a" : ratio(h.value() / sc.value()))
                            .append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        storeSize(md);
        threads(md);

        if (!sweep.isEmpty()) {
            md.append("## Sweep\n\n");
            if (chartFiles.contains("charts/sweep.png")) {
                md.append("![sweep](charts/sweep.png)\n\n");
            }
            md.append("Cost of the sweeper per removed entry: ")
                    .append(String.format(Locale.ROOT, "%,d", SweepBench.EXPIRING))
                    .append(" sessions expire beside the ")
                    .append(String.format(Locale.ROOT, "%,d", Data.KEYS))
                    .append(
                            " live ones and the sweeper runs (default batch size and time budget) until all are removed.\n\n");
            md.append("| store | us per removed entry | removed per second |\n|---|---:|---:|\n");
            sweep.forEach((store, s) -> md.append("| ")
                    .append(store)
                    .append(" | ")
                    .append(
                            Double.isFinite(s.error())
                                    ? String.format(Locale.ROOT, "%.3f ± %.3f", s.value(), s.error())
                                    : String.format(Locale.ROOT, "%.3f", s.value()))
                    .append(" | ")
                    .append(format(1e6 / s.value()))
                    .append(" |\n"));
            md.append('\n');
        }

        md.append("## Notes on fairness\n\n");
        md.append(
                        "- Same data, same key choice and the same attribute bytes for every subject. The raw baselines decode what they read")
                .append(
                        " into attributes as the store must (Chronicle Map and JDBC: the store's blob form `Attributes.toBytes()`;")
                .append(" lettuce: the store's hash layout, one field per attribute).\n");
        md.append(
                        "- Raw baselines do the least work that gives the same result: no expiry index, no metrics, no argument checks.")
                .append(" The gap to them is what Hourglass costs.\n");
        md.append(
                        "- Spring Session has no touch, merge or compare-and-set: its get-and-touch is load-touch-save, its merge is")
                .append(
                        " load-set-save (not atomic: concurrent merges lose updates), and it has no update. Its repositories use their")
                .append(
                        " default JDK serialization of attribute values (byte[] values here). Spring JDBC's put saves a new session")
                .append(
                        " (the repository cannot overwrite a given id); Spring Redis's put writes a whole new session under the chosen id.\n");
        md.append(
                "- Redisson RMapCache stores each session as one entry holding the store's blob form; touch is updateEntryExpiration.\n");
        md.append(
                        "- Hourglass stores run with the sweeper stopped (its cost is measured separately under Sweep), as Spring Session JDBC")
                .append(" runs with its cleanup job off.\n");
        md.append(
                        "- Each engine table shows a subject's run on the fewest threads measured, single-threaded unless the row says"
                                + " otherwise (`mixed` runs 2 threads unless BENCH_THREADS is set; the Threads section has every"
                                + " thread count). Batched rows count each id as one operation;")
                .append(" the raw lettuce batched get pipelines 100 HGETALLs on the async API.\n");
        if (!others.isEmpty()) {
            md.append("## Limiters, near cache and their peers\n\n");
            md.append("Each row as JMH measured it (ops/s, mean with its 99.9% error; spread is the slowest and the"
                    + " fastest measurement iteration).\n\n");
            md.append("| benchmark | params | threads | ops/s | error | spread |\n|---|---|---|---|---|---|\n");
            for (Other o : others) {
                md.append("| `")
                        .append(o.benchmark())
                        .append("` | ")
                        .append(o.params())
                        .append(" | ")
                        .append(o.score().threads())
                        .append(" | ")
                        .append(String.format(
                                java.util.Locale.ROOT, "%,.0f", o.score().value()))
                        .append(" | ")
                        .append(String.format(
                                java.util.Locale.ROOT, "%,.0f", o.score().error()))
                        .append(" | ")
                        .append(String.format(
                                java.util.Locale.ROOT,
                                "%,.0f-%,.0f",
                                o.score().min(),
                                o.score().max()))
                        .append(o.score().unstable() ? " †" : "")
                        .append(" |\n");
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** StoreSizeBench: each engine's get and put at every store size measured, and the largest over the smallest. */
    private void storeSize(StringBuilder md) {
        if (sizes.isEmpty()) {
            return;
        }
        java.util.TreeSet<Integer> all = new java.util.TreeSet<>();
        sizes.values().forEach(w -> w.values().forEach(m -> all.addAll(m.keySet())));
        md.append("## Store size\n\n");
        md.append("`StoreSizeBench`: Hourglass get and put in stores holding ")
                .append(String.join(
                        " and ",
                        all.stream()
                                .map(n -> String.format(Locale.ROOT, "%,d", n))
                                .toList()))
                .append(" sessions of one ")
                .append(StoreSizeBench.ATTRIBUTE_BYTES)
                .append(
                        "-byte attribute (TTL one day), in the same run. `get` reads a uniformly random id of the whole")
                .append(
                        " population, drawn afresh for every call; `put` overwrites one with another value of the same size")
                .append(
                        " and the same TTL. Chronicle stores are sized for their population plus 10%; each size's Redis")
                .append(" sessions have a key prefix and a database of their own on the run's server. The ratio is")
                .append(
                        " ops/s at the largest size over ops/s at the smallest: 1 means the store's size does not change")
                .append(
                        " what an operation costs, below 1 means it costs more in the larger store (the target, a per-op")
                .append(" cost within 1.2x, is a ratio of 0.83 or more).\n\n");
        int smallest = all.first();
        int largest = all.last();
        md.append("| engine | workload |");
        all.forEach(n -> md.append(String.format(Locale.ROOT, " ops/s at %,d |", n)));
        boolean ratio = all.size() > 1;
        if (ratio) {
            md.append(' ')
                    .append(count(largest))
                    .append(" / ")
                    .append(count(smallest))
                    .append(" |");
        }
        md.append("\n|---|---|");
        md.append("---:|".repeat(all.size() + (ratio ? 1 : 0))).append('\n');
        for (String engine : ENGINES) {
            Map<String, TreeMap<Integer, Score>> workloads = sizes.get(engine);
            if (workloads == null) {
                continue;
            }
            workloads.forEach((workload, bySize) -> {
                md.append("| ").append(engine).append(" | ").append(workload).append(" |");
                for (int n : all) {
                    Score sc = bySize.get(n);
                    md.append(' ').append(sc == null ? "n/a" : withError(sc)).append(" |");
                }
                Score small = bySize.get(smallest);
                Score large = bySize.get(largest);
                if (ratio) {
                    md.append(' ')
                            .append(small == null || large == null ? "n/a" : ratio(large.value() / small.value()))
                            .append(" |");
                }
                md.append('\n');
            });
        }
        md.append('\n');
    }

    /**
     * For Redis and the JDBC engines, each workload measured at more than one thread count: every
     * subject's ops/s at each count, and Hourglass's over each other subject's at the same count.
     */
    private void threads(StringBuilder md) {
        StringBuilder tables = new StringBuilder();
        java.util.TreeSet<Integer> counts = new java.util.TreeSet<>();
        for (String engine : List.of("redis", "mariadb", "postgresql")) {
            List<Subject> subjects = subjects(engine);
            Subject hg = hourglass(engine);
            for (String w : WORKLOADS) {
                java.util.TreeSet<Integer> t = new java.util.TreeSet<>();
                List<Subject> rows = new ArrayList<>();
                for (Subject s : subjects) {
                    TreeMap<Integer, Score> m = byThreads.get(s).get(w);
                    if (m != null) {
                        t.addAll(m.keySet());
                        rows.add(s);
                    }
                }
                if (t.size() < 2) {
                    continue;
                }
                counts.addAll(t);
                tables.append("### ")
                        .append(engine)
                        .append(": ")
                        .append(WORKLOAD_NAMES.get(w))
                        .append("\n\n| subject |");
                t.forEach(n -> tables.append(" ops/s, ").append(n).append(n == 1 ? " thread |" : " threads |"));
                t.forEach(n -> tables.append(" Hourglass / subject, ").append(n).append(" |"));
                tables.append("\n|---|").append("---:|".repeat(2 * t.size())).append('\n');
                Map<Integer, Score> h =
                        byThreads.containsKey(hg) ? byThreads.get(hg).get(w) : null;
                for (Subject s : rows) {
                    Map<Integer, Score> m = byThreads.get(s).get(w);
                    tables.append("| ")
                            .append(s.kind() == Kind.RAW && s.name().startsWith("raw") ? s.name() : label(s))
                            .append(" |");
                    t.forEach(n -> tables.append(' ')
                            .append(m.containsKey(n) ? withError(m.get(n)) : "n/a")
                            .append(" |"));
                    t.forEach(n -> tables.append(' ')
                            .append(
                                    s.equals(hg)
                                            ? ""
                                            : h == null || !h.containsKey(n) || !m.containsKey(n)
                                                    ? "n/a"
                                                    : ratio(h.get(n).value()
                                                            / m.get(n).value()))
                            .append(" |"));
                    tables.append('\n');
                }
                tables.append('\n');
            }
        }
        if (tables.length() == 0) {
            return;
        }
        md.append("## Threads\n\n");
        md.append("Each workload at ")
                .append(String.join(", ", counts.stream().map(String::valueOf).toList()))
                .append(" threads (JMH threads of one fork, one run per count with `BENCH_THREADS`, merged), every")
                .append(
                        " subject in the same run at each count. The ratio is Hourglass's ops/s over the subject's at the")
                .append(" same thread count (above 1 = Hourglass faster). What each subject does per operation:\n\n");
        md.append(
                        "- **Redis.** Hourglass: one lettuce connection, multiplexed by every thread; get is one HGETALL of the")
                .append(
                        " session hash, put one EVALSHA writing the hash, its expiry and the bucket's expiry-index member,")
                .append(
                        " touch, get-and-touch and merge one script each, create + delete two calls. lettuce sync (raw):")
                .append(" one shared connection; get HGETALL, put one EVALSHA (DEL, HSET, PEXPIRE; no expiry index),")
                .append(" touch, get-and-touch and merge one script each, create + delete EVALSHA then DEL. Redisson")
                .append(" RMapCache (peer): a pool of up to ")
                .append(RedissonBench.POOL_SIZE)
                .append(" connections, one per command in flight; get and put (fastPut with TTL) are one Lua script")
                .append(" each, touch is updateEntryExpiration, create + delete fastPutIfAbsent then fastRemove; no")
                .append(
                        " get-and-touch or merge. Spring RedisSessionRepository (peer): LettuceConnectionFactory's shared")
                .append(
                        " connection; get is findById (HGETALL, JDK deserialization of each attribute), put saves a new")
                .append(" session under the chosen id (a hash write, then its expiry), get-and-touch and merge are")
                .append(
                        " findById then save (load-touch-save, load-set-save), create + delete save then deleteById; no")
                .append(" touch.\n");
        md.append("- **JDBC (MariaDB, PostgreSQL).** Every subject runs on a HikariCP pool of ")
                .append(Jdbc.POOL_SIZE)
                .append(" connections (Hourglass: `poolSize=")
                .append(Jdbc.POOL_SIZE)
                .append(
                        "` in its URI, the store's default; raw JDBC and Spring: `Jdbc.pool`, the store's settings), so")
                .append(" above ")
                .append(Jdbc.POOL_SIZE)
                .append(
                        " threads every subject's callers queue for a connection alike. Hourglass: its public API on its")
                .append(" pool. raw JDBC: get is one SELECT by id, put one upsert, touch one UPDATE, get-and-touch an")
                .append(" UPDATE and a SELECT in one transaction, merge SELECT ... FOR UPDATE and UPDATE in one")
                .append(" transaction, create + delete an INSERT and a DELETE. Spring JdbcIndexedSessionRepository")
                .append(" (peer): get is findById (the session row joined to its attribute rows, JDK deserialization),")
                .append(
                        " put saves a new session (a session row and one row per attribute in one transaction: it cannot")
                .append(" overwrite an id), get-and-touch and merge are findById then save, create + delete save then")
                .append(" deleteById; no touch.\n");
        md.append("- **mixed** is 90% get and 10% put of the same subject on every thread.\n\n");
        md.append(tables);
    }

    /** 100000 as "100k", 10000000 as "10M". */
    static String count(int n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000 && n % 1_000 == 0) {
            return n / 1_000 + "k";
        }
        return Integer.toString(n);
    }

    private void targets(StringBuilder md) {
        // Time ratios: Hourglass time / other time = other ops / Hourglass ops.
        timeTarget(
                md,
                "chronicle get <= 1.10x raw Chronicle Map get time",
                "chronicle",
                "get",
                "Chronicle Map",
                Kind.RAW,
                "get",
                1.10);
        timeTarget(
                md,
                "chronicle put <= 1.15x raw Chronicle Map put time",
                "chronicle",
                "put",
                "Chronicle Map",
                Kind.RAW,
                "put",
                1.15);
        timeTarget(
                md,
                "chronicle touch <= 1.5x a raw Chronicle Map get",
                "chronicle",
                "touch",
                "Chronicle Map",
                Kind.RAW,
                "get",
                1.5);
        timeTarget(
                md, "redis get <= 1.05x raw lettuce get time", "redis", "get", "lettuce sync", Kind.RAW, "get", 1.05);
        speedTarget(
                md,
                "redis load-touch-save >= 2x Spring Session Redis (Hourglass getAndTouch vs findById+save)",
                "redis",
                "getAndTouch",
                "Spring RedisSessionRepository",
                Kind.PEER,
                "getAndTouch",
                2.0);
        speedTarget(
                md,
                "redis put with TTL >= 2x Redisson RMapCache",
                "redis",
                "put",
                "Redisson RMapCache",
                Kind.PEER,
                "put",
                2.0);
        speedTarget(
                md,
                "redis batched path >= 5x synchronous (getAll of 100 ids vs get, per id)",
                "redis",
                "getAll",
                "Hourglass",
                Kind.HOURGLASS,
                "get",
                5.0);
        for (String db : List.of("mariadb", "postgresql")) {
            timeTarget(md, db + " get <= 1.10x raw JDBC get time", db, "get", "raw JDBC", Kind.RAW, "get", 1.10);
            timeTarget(md, db + " put <= 1.10x raw JDBC put time", db, "put", "raw JDBC", Kind.RAW, "put", 1.10);
            speedTarget(
                    md,
                    db + " save >= 3x Spring Session JDBC (Hourglass put vs save of a new session)",
                    db,
                    "put",
                    "Spring JdbcIndexedSessionRepository",
                    Kind.PEER,
                    "put",
                    3.0);
            speedTarget(
                    md,
                    db + " read >= 1.5x Spring Session JDBC",
                    db,
                    "get",
                    "Spring JdbcIndexedSessionRepository",
                    Kind.PEER,
                    "get",
                    1.5);
        }
        for (String engine : List.of("chronicle", "redis")) {
            for (String workload : List.of("get", "put")) {
                sizeTarget(md, engine, workload);
            }
        }
        for (String store : List.of("memory", "chronicle")) {
            Score s = sweep.get(store);
            md.append("| ")
                    .append(store)
                    .append(" sweep <= 2 us per removed entry | ")
                    .append(s == null ? "not measured" : String.format(Locale.ROOT, "%.3f us", s.value()))
                    .append(" | ")
                    .append(
                            s == null
                                    ? "**NOT MEASURED** (backend not in this run)"
                                    : s.value() <= 2.0 ? "met" : "**MISSED**")
                    .append(" |\n");
        }
    }

    /** Per-op cost at 10M sessions within 1.2x of the cost at 100k: ops/s at 100k over ops/s at 10M. */
    private void sizeTarget(StringBuilder md, String engine, String workload) {
        Map<String, TreeMap<Integer, Score>> workloads = sizes.get(engine);
        TreeMap<Integer, Score> bySize = workloads == null ? null : workloads.get(workload);
        Score small = bySize == null ? null : bySize.get(100_000);
        Score large = bySize == null ? null : bySize.get(10_000_000);
        md.append("| ")
                .append(engine)
                .append(' ')
                .append(workload)
                .append(": per-op cost at 10M sessions within 1.2x of 100k | ");
        if (small == null || large == null) {
            md.append("not measured | **NOT MEASURED** (StoreSizeBench ")
                    .append(engine)
                    .append(' ')
                    .append(workload)
                    .append(" at 100k and 10M not in this run) |\n");
            return;
        }
        double r = small.value() / large.value();
        md.append(String.format(
                        Locale.ROOT,
                        "%.2fx (%s ops/s at 10M vs %s at 100k)",
                        r,
                        format(large.value()),
                        format(small.value())))
                .append(" | ")
                .append(r <= 1.2 ? "met" : "**MISSED**")
                .append(small.unstable() || large.unstable() ? " † unstable: re-run before trusting it" : "")
                .append(" |\n");
    }

    private void timeTarget(
            StringBuilder md,
            String label,
            String engine,
            String workload,
            String other,
            Kind kind,
            String otherWorkload,
            double limit) {
        Double h = ops(engine, "Hourglass", Kind.HOURGLASS, workload);
        Double o = ops(engine, other, kind, otherWorkload);
        md.append("| ").append(label).append(" | ");
        if (h == null || o == null) {
            md.append("not measured | **NOT MEASURED** (")
                    .append(h == null ? "Hourglass " + engine : other)
                    .append(" not in this run) |\n");
            return;
        }
        double r = o / h;
        md.append(String.format(Locale.ROOT, "%.2fx (%s vs %s ops/s)", r, format(h), format(o)))
                .append(" | ")
                .append(r <= limit ? "met" : "**MISSED**")
                .append(stability(engine, workload, other, kind, otherWorkload))
                .append(" |\n");
    }

    private void speedTarget(
            StringBuilder md,
            String label,
            String engine,
            String workload,
            String other,
            Kind kind,
            String otherWorkload,
            double min) {
        Double h = ops(engine, "Hourglass", Kind.HOURGLASS, workload);
        Double o = ops(engine, other, kind, otherWorkload);
        md.append("| ").append(label).append(" | ");
        if (h == null || o == null) {
            md.append("not measured | **NOT MEASURED** (")
                    .append(h == null ? "Hourglass " + engine + " " + workload : other)
                    .append(" not in this run) |\n");
            return;
        }
        double r = h / o;
        md.append(String.format(Locale.ROOT, "%.2fx (%s vs %s ops/s)", r, format(h), format(o)))
                .append(" | ")
                .append(r >= min ? "met" : "**MISSED**")
                .append(stability(engine, workload, other, kind, otherWorkload))
                .append(" |\n");
    }

    List<String> charts(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        for (String engine : ENGINES) {
            List<Subject> subjects = subjects(engine);
            if (subjects.isEmpty()) {
                continue;
            }
            List<String> workloads = new ArrayList<>();
            for (String w : WORKLOADS) {
                for (Subject s : subjects) {
                    if (scores.get(s).containsKey(w) && !workloads.contains(w)) {
                        workloads.add(w);
                    }
                }
            }
            CategoryChart chart = new CategoryChartBuilder()
                    .width(1400)
                    .height(620)
                    .title(engine + ": throughput by workload (ops/s, log scale; higher is better)")
                    .xAxisTitle("workload")
                    .yAxisTitle("ops/s")
                    .build();
            style(chart);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(12);
            for (Subject s : subjects) {
                List<Double> ys = new ArrayList<>();
                for (String w : workloads) {
                    Score sc = scores.get(s).get(w);
                    ys.add(sc == null ? null : sc.value());
                }
                chart.addSeries(label(s), workloads, ys);
            }
            BitmapEncoder.saveBitmap(chart, dir.resolve(engine + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
            Subject hg = hourglass(engine);
            if (scores.containsKey(hg) && subjects.size() > 1) {
                CategoryChart ratios = new CategoryChartBuilder()
                        .width(1400)
                        .height(620)
                        .title(engine
                                + ": Hourglass throughput / other subject's throughput (above 1 = Hourglass faster)")
                        .xAxisTitle("workload")
                        .yAxisTitle("Hourglass / other")
                        .build();
                style(ratios);
                List<String> compared = new ArrayList<>();
                for (String w : workloads) {
                    for (Subject s : subjects) {
                        if (!s.equals(hg)
                                && scores.get(hg).containsKey(w)
                                && scores.get(s).containsKey(w)
                                && !compared.contains(w)) {
                            compared.add(w);
                        }
                    }
                }
                for (Subject s : subjects) {
                    if (s.equals(hg) || compared.isEmpty()) {
                        continue;
                    }
                    List<Double> ys = new ArrayList<>();
                    for (String w : compared) {
                        Score h = scores.get(hg).get(w);
                        Score o = scores.get(s).get(w);
                        ys.add(h == null || o == null ? null : h.value() / o.value());
                    }
                    ratios.addSeries("Hourglass / " + label(s), compared, ys);
                }
                if (!compared.isEmpty()) {
                    BitmapEncoder.saveBitmap(
                            ratios, dir.resolve(engine + "-ratios.png").toString(), BitmapEncoder.BitmapFormat.PNG);
                    files.add("charts/" + engine + "-ratios.png");
                }
            }
            files.add("charts/" + engine + ".png");
        }
        if (!sweep.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder()
                    .width(900)
                    .height(500)
                    .title("sweep: microseconds per removed entry (lower is better; target 2 us)")
                    .xAxisTitle("store")
                    .yAxisTitle("us per removed entry")
                    .build();
            chart.getStyler().setLegendVisible(false);
            List<String> stores = new ArrayList<>(sweep.keySet());
            List<Double> values = new ArrayList<>();
            stores.forEach(s -> values.add(sweep.get(s).value()));
            chart.addSeries("us per removed entry", stores, values);
            BitmapEncoder.saveBitmap(chart, dir.resolve("sweep.png").toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add("charts/sweep.png");
        }
        return files;
    }

    private static void style(CategoryChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    }

    private static String label(Subject s) {
        return s.name() + (s.kind() == Kind.RAW ? " (raw)" : s.kind() == Kind.PEER ? " (peer)" : "");
    }

    private List<String> jvmArgs() {
        List<String> out = new ArrayList<>();
        for (JsonNode a : first.path("jvmArgs")) {
            String s = a.asText();
            if (!s.startsWith("-Dbench.")) {
                out.add(s);
            }
        }
        return out;
    }

    static String machine() {
        String cpu = "unknown CPU";
        String mem = "unknown memory";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            mem = lines.filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .map(l -> String.format(
                            Locale.ROOT, "%.1f GiB RAM", Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0))
                    .orElse(mem);
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc), " + cpu + ", " + mem + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    static String format(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 1) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** The score with JMH's 99.9% error when it has one (it needs three or more iterations). */
    static String withError(Score s) {
        String v = Double.isFinite(s.error()) ? format(s.value()) + " ± " + format(s.error()) : format(s.value());
        return s.unstable() ? v + " †" : v;
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
