package dev.hourglass.contract;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Merge;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The second JVM's side of {@link IndexContract}: {@code URI COUNT ID,ID,...} moves the indexed
 * value of random sessions among "b" and "c" COUNT times, then prints "done".
 */
public final class IndexWorker {

    private IndexWorker() {}

    public static void main(String[] args) {
        String[] ids = args[2].split(",");
        int count = Integer.parseInt(args[1]);
        StoreOptions options = StoreOptions.builder()
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(10))
                .build();
        try (Store store = Hourglass.open(args[0], options)) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            for (int i = 0; i < count; i++) {
                String v = r.nextBoolean() ? "b" : "c";
                store.sessions()
                        .merge(
                                ids[r.nextInt(ids.length)],
                                Merge.set(Attributes.empty().with(Sessions.INDEX_PREFIX + "principal", v)));
            }
            System.out.println("done");
            System.out.flush();
        }
    }
}
