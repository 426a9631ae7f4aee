package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;

/**
 * For {@link DamagedMapFileTest}: opens a store, reads one session and counts them, and prints what
 * happened on one line: {@code opened N} or {@code refused <exception> <message>}. Arguments: store URI.
 */
public final class OpenProbe {

    private OpenProbe() {}

    public static void main(String[] args) {
        String outcome;
        try (Store store = Hourglass.open(
                args[0], StoreOptions.builder().sweeperAutoStart(false).build())) {
            store.sessions().get("s1");
            outcome = "opened " + store.sessions().count();
        } catch (RuntimeException e) {
            outcome = "refused " + e.getClass().getSimpleName() + " " + e.getMessage();
        }
        System.out.println(outcome.replace('\n', ' '));
    }
}
