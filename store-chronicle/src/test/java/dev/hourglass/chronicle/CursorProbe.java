package dev.hourglass.chronicle;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Page;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.StoreConfig;
import java.time.Duration;

/**
 * For {@link CursorBoundsTest}: opens a store holding a few sessions, lists them with one crafted
 * cursor and prints what happened on one line: {@code page N} or {@code refused <exception> <message>}.
 * Arguments: store URI, {@code api} (through {@code Sessions.ids}) or {@code spi} (the backend's own
 * {@code ids}), the cursor.
 */
public final class CursorProbe {

    private CursorProbe() {}

    public static void main(String[] args) {
        String uri = args[0];
        String cursor = args[2];
        StoreOptions options = StoreOptions.builder().sweeperAutoStart(false).build();
        String outcome;
        if (args[1].equals("api")) {
            try (Store store = Hourglass.open(uri, options)) {
                fill(store);
                outcome = describe(() -> store.sessions().ids(cursor, 5));
            }
        } else {
            try (Backend backend = open(uri, options)) {
                outcome = describe(() -> backend.sessions().ids(cursor, 5, System.currentTimeMillis()));
            }
        }
        System.out.println(outcome);
    }

    static Backend open(String uri, StoreOptions options) {
        return new ChronicleProvider().open(StoreConfig.of(uri, "chronicle", options, id -> {}));
    }

    private static void fill(Store store) {
        for (int i = 0; i < 20; i++) {
            store.sessions().put("s" + i, Attributes.empty(), Duration.ofHours(1));
        }
    }

    private static String describe(java.util.function.Supplier<Page<String>> call) {
        try {
            return "page " + call.get().items().size();
        } catch (RuntimeException e) {
            return "refused " + e.getClass().getSimpleName() + " " + e.getMessage();
        }
    }
}
