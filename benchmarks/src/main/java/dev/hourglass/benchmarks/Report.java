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
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Writes {@code RESULTS.md} and the PNG charts from one JMH JSON result: for each engine and
 * workload the throughput of Hourglass, of the raw engine and of each peer, the ratios between
 * them, and each target of the project with its measured figure.
 * Usage: {@code Report <result.json> <module dir> <command that produced it>}.
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
        WORKLOAD_NAMES.put("mixed", "mixed 90% get / 10% put, 2 threads");
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
    private final Map<String, Score> sweep = new LinkedHashMap<>();
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
            System.err.println("usage: Report <result.json> <module dir> <command>");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path module = Path.of(args[1]);
        String command = String.join(" ", List.of(args).subList(2, args.length));
        Report r = new Report();
        r.read(json);
        Path charts = module.resolve("charts");
        Files.createDirectories(charts);
        List<String> chartFiles = r.charts(charts);
        Path m = module.toAbsolutePath().normalize();
        Path j = json.toAbsolutePath().normalize();
        String md = r.markdown(
                j.startsWith(m) ? m.relativize(j).toString() : j.getFileName().toString(), command, chartFiles);
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

    void read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (JsonNode b : root) {
            if (first == null) {
                first = b;
            }
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
                case "SweepBench" -> sweep.put(p, score);
                case "MapBench" -> put(new Subject("memory", "ConcurrentHashMap", Kind.RAW), method, score);
                case "CaffeineBench" -> put(new Subject("memory", "Caffeine", Kind.PEER), method, score);
                case "SpringMapBench" ->
                    put(new Subject("memory", "Spring MapSessionRepository", Kind.PEER), method, score);
                case "RawChronicleBench" -> put(new Subject("chronicle", "Chronicle Map", Kind.RAW), method, score);
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

    private void put(Subject s, String workload, Score score) {
        scores.computeIfAbsent(s, k -> new LinkedHashMap<>()).put(workload, score);
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

    String markdown(String jsonName, String command, List<String> chartFiles) {
        StringBuilder md = new StringBuilder();
        md.append("# Hourglass benchmark results\n\n");
        md.append("Generated by `dev.hourglass.benchmarks.Report` from `")
                .append(jsonName)
                .append("` (JMH JSON, kept in the repository). Do not edit by hand: re-run `benchmarks/run.sh`.\n\n");
        md.append("## How this was measured\n\n");
        md.append("- Command: `").append(command).append("`\n");
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
                md.append("| ").append(WORKLOAD_NAMES.get(w)).append(" |");
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
                        "- Single-threaded unless stated; `mixed` runs 2 threads. Batched rows count each id as one operation;")
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
