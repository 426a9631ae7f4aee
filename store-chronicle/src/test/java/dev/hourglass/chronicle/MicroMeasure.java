package dev.hourglass.chronicle;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import net.openhft.chronicle.map.ChronicleMap;

/**
 * A rough, JMH-free look at the hot paths beside a raw Chronicle map built with the same settings
 * (the benchmarks module measures properly). Run with -Xmx256m and the Chronicle JVM options:
 * {@code java ... MicroMeasure <dir> <sessions>}.
 */
public final class MicroMeasure {

    private MicroMeasure() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        byte[] blob = new byte[1000];
        new SplittableRandom(1).nextBytes(blob);
        Attributes attrs = Attributes.bytes(Map.of("doc", blob));
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = String.format("session-%012d", i);
        }
        try (Store store = Hourglass.open(
                "chronicle:" + dir.resolve("store") + "?maxSessions=" + n,
                StoreOptions.builder().sweeperAutoStart(false).build())) {
            Sessions s = store.sessions();
            long t = System.nanoTime();
            for (String id : ids) {
                s.put(id, attrs, Duration.ofDays(7));
            }
            System.out.printf("filled %d sessions in %.1f s%n", n, (System.nanoTime() - t) / 1e9);
            ChronicleSettings.Layout layout = StoreDirectory.attached(dir.resolve("store")).layout;
            File rawFile = dir.resolve("raw.cmap").toFile();
            try (ChronicleMap<String, byte[]> raw = Maps.sessions(layout).createPersistedTo(rawFile)) {
                byte[] value = new byte[Records.S_HEADER + attrs.toBytes().length];
                for (String id : ids) {
                    raw.put(id, value);
                }
                double[] best = {
                    Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE
                };
                long sink = 0;
                int chunk = 200_000;
                for (int rep = 0; rep < 15; rep++) {
                    SplittableRandom r = new SplittableRandom(rep);
                    t = System.nanoTime();
                    for (int i = 0; i < chunk; i++) {
                        sink += raw.get(ids[r.nextInt(n)]).length;
                    }
                    best[0] = Math.min(best[0], (System.nanoTime() - t) / (double) chunk);
                    t = System.nanoTime();
                    for (int i = 0; i < chunk; i++) {
                        sink += s.get(ids[r.nextInt(n)]).orElseThrow().version();
                    }
                    best[1] = Math.min(best[1], (System.nanoTime() - t) / (double) chunk);
                    t = System.nanoTime();
                    for (int i = 0; i < chunk; i++) {
                        sink += s.touch(ids[r.nextInt(n)], Duration.ofDays(7)) ? 1 : 0;
                    }
                    best[2] = Math.min(best[2], (System.nanoTime() - t) / (double) chunk);
                    t = System.nanoTime();
                    for (int i = 0; i < chunk / 4; i++) {
                        raw.put(ids[r.nextInt(n)], value);
                    }
                    best[3] = Math.min(best[3], (System.nanoTime() - t) / (double) (chunk / 4));
                    t = System.nanoTime();
                    for (int i = 0; i < chunk / 4; i++) {
                        s.put(ids[r.nextInt(n)], attrs, Duration.ofDays(7));
                    }
                    best[4] = Math.min(best[4], (System.nanoTime() - t) / (double) (chunk / 4));
                }
                System.out.printf(
                        "best of 15 (ns/op): raw get %.0f, get %.0f (%.2fx), touch %.0f (%.2fx raw get), "
                                + "raw put %.0f, put %.0f (%.2fx)  [%d]%n",
                        best[0],
                        best[1],
                        best[1] / best[0],
                        best[2],
                        best[2] / best[0],
                        best[3],
                        best[4],
                        best[4] / best[3],
                        sink & 1);
            }
            System.gc();
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            System.out.printf(
                    "heap used after GC %.1f MiB of max %.0f MiB; store directory on disk: %s%n",
                    heap.getUsed() / 1048576.0, heap.getMax() / 1048576.0, du(dir.resolve("store")));
        }
    }

    private static String du(Path p) throws Exception {
        Process pr = new ProcessBuilder("du", "-sh", "--apparent-size", p.toString()).start();
        String apparent = new String(pr.getInputStream().readAllBytes()).split("\\s")[0];
        pr = new ProcessBuilder("du", "-sh", p.toString()).start();
        String real = new String(pr.getInputStream().readAllBytes()).split("\\s")[0];
        return real + " on disk, " + apparent + " apparent";
    }
}
