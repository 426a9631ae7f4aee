package dev.hourglass.chronicle;

import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import net.openhft.chronicle.hash.ChronicleHashClosedException;
import net.openhft.chronicle.hash.locks.InterProcessDeadLockException;

/** Chronicle's exceptions in the store's terms. */
final class Failures {

    private Failures() {}

    static RuntimeException translate(RuntimeException e, StoreDirectory d, Capacity capacity) {
        if (e instanceof StoreException || e instanceof IllegalArgumentException) {
            return e;
        }
        if (e instanceof InterProcessDeadLockException) {
            return new StoreUnavailableException(
                    "a lock in the chronicle store in " + d.dir + " was held for more than "
                            + System.getProperty(JvmOptions.LOCK_TIMEOUT_PROPERTY)
                            + " s: a process attached to it probably died "
                            + "while writing; it is repaired when the processes attached to it are restarted",
                    e);
        }
        if (e instanceof ChronicleHashClosedException) {
            return StoreDirectory.closedError(d.dir);
        }
        String msg = e.getMessage();
        if (capacity != null
                && e instanceof IllegalStateException
                && msg != null
                && msg.contains("extra segment tier")) {
            return capacity.noRoom(e);
        }
        return e;
    }
}
