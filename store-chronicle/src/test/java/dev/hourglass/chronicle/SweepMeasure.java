package dev.hourglass.chronicle;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.SweeperStatus;
import dev.hourglass.contract.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A rough, JMH-free look at the sweeper: {@code live} sessions that stay, {@code expiring} that
 * expire, then one sweep. Run with the Chronicle JVM options: {@code java ... SweepMeasure <dir> <live> <expiring>}.
 */
public final class SweepMeasure {

    private SweepMeasure() {}

    public static void main(String[] args) {
        int live = Integer.parseInt(args[1]);
        int expiring = Integer.parseInt(args[2]);
        FakeClock clock = new FakeClock();
        Attributes attrs = Attributes.bytes(Map.of("doc", new byte[1000]));
        try (Store store = Hourglass.open(
                "chronicle:" + Path.of(args[0]) + "?maxSessions=" + (live + expiring),
                StoreOptions.builder()
                        .clock(clock)
                        .sweeperAutoStart(false)
                        .sweepBatchSize(1_000)
                        .sweepTimeBudget(Duration.ofMinutes(1))
                        .build())) {
            for (int i = 0; i < live; i++) {
                store.sessions().put("live-" + i, attrs, Duration.ofDays(7));
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < expiring; i++) {
                    store.sessions().put("exp-" + round + "-" + i, attrs, Duration.ofMinutes(1));
                }
                clock.advance(Duration.ofMinutes(2));
                long t = System.nanoTime();
                SweeperStatus s = store.sweeper().orElseThrow().runNow();
                long ns = System.nanoTime() - t;
                System.out.printf(
                        "round %d: swept %d of %d expired among %d live in %.1f ms: %.2f us per removed entry, "
                                + "backlog %d%n",
                        round,
                        s.removedLastRun(),
                        expiring,
                        live,
                        ns / 1e6,
                        ns / 1e3 / Math.max(1, s.removedLastRun()),
                        s.backlog());
            }
        }
    }
}
