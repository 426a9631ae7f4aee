package dev.hourglass.memory;

import dev.hourglass.spi.LimiterCells;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limiter state in a map, each key updated inside {@link ConcurrentHashMap#compute}, which holds
 * the key's bin lock; expired keys read as absent and the sweeper removes them through the expiry
 * index.
 */
final class MemoryLimiters implements LimiterCells {

    private record Cell(byte[] state, long expiresAt) {}

    private final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();
    private final ExpiryIndex expiry = new ExpiryIndex();

    @Override
    @SuppressWarnings("unchecked")
    public <R> R update(String key, long now, Change<R> change) {
        Object[] result = new Object[1];
        cells.compute(key, (k, cell) -> {
            byte[] state = cell == null || cell.expiresAt <= now ? null : cell.state;
            Update<R> u = change.apply(state);
            result[0] = u.result();
            if (!u.changed()) {
                return cell;
            }
            if (cell != null) {
                expiry.remove(k, cell.expiresAt);
            }
            if (u.state() == null) {
                return null;
            }
            expiry.add(k, u.expiresAt());
            return new Cell(u.state(), u.expiresAt());
        });
        return (R) result[0];
    }

    int sweep(long now, int batchSize) {
        int removed = 0;
        Iterator<ExpiryIndex.Key> it = expiry.expired(now);
        while (removed < batchSize && it.hasNext()) {
            ExpiryIndex.Key k = it.next();
            boolean[] gone = {false};
            cells.computeIfPresent(k.id(), (id, cell) -> {
                if (cell.expiresAt <= now) {
                    expiry.remove(id, cell.expiresAt);
                    gone[0] = true;
                    return null;
                }
                return cell;
            });
            if (gone[0]) {
                removed++;
            } else {
                expiry.remove(k.id(), k.expiresAt());
            }
        }
        return removed;
    }

    long backlog(long now) {
        return expiry.countExpired(now, Long.MAX_VALUE);
    }

    void clear() {
        cells.clear();
        expiry.clear();
    }
}
