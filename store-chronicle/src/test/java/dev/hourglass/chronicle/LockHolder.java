package dev.hourglass.chronicle;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.map.ExternalMapQueryContext;

/**
 * For {@link DeadProcessTest}: attaches to a store, takes the write lock of one session's entry,
 * creates the ready file and waits to be killed. Arguments: store URI, store directory, session id,
 * ready file.
 */
public final class LockHolder {

    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        Store store = Hourglass.open(
                args[0], StoreOptions.builder().sweeperAutoStart(false).build());
        StoreDirectory d = StoreDirectory.attached(Path.of(args[1]));
        ExternalMapQueryContext<String, byte[], ?> c = d.sessions.queryContext(args[2]);
        c.writeLock().lock();
        Files.writeString(Path.of(args[3]), "locked");
        Thread.sleep(Long.MAX_VALUE);
        store.close();
    }
}
