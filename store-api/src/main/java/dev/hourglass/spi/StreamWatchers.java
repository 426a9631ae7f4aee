package dev.hourglass.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-process half of {@link StreamBackend#watch}: registrations by stream id, and a
 * {@link #signal} that calls those of one stream. A backend signals after each change it makes, and
 * turns its engine's notifications from other processes into signals. Memory grows with the streams
 * being watched, not with the streams stored.
 */
public final class StreamWatchers {

    /**
     * Told, after the change, when a stream gets its first registration and loses its last, e.g. to
     * subscribe to the engine. Calls for one stream can overlap: a listener checks {@link #isWatched}.
     */
    public interface Listener {
        void first(String id);

        void last(String id);
    }

    private static final Listener NONE = new Listener() {
        @Override
        public void first(String id) {}

        @Override
        public void last(String id) {}
    };

    private final Map<String, List<Runnable>> byId = new ConcurrentHashMap<>();
    private final Listener listener;

    /** Watchers with no engine subscription to keep. */
    public StreamWatchers() {
        this(NONE);
    }

    /** Watchers that tell {@code listener} when a stream's first registration comes and its last goes. */
    public StreamWatchers(Listener listener) {
        this.listener = listener;
    }

    /** Registers {@code onChange} for stream {@code id}. */
    public StreamBackend.Watch watch(String id, Runnable onChange) {
        boolean[] first = new boolean[1];
        byId.compute(id, (k, list) -> {
            if (list == null) {
                list = new CopyOnWriteArrayList<>();
                first[0] = true;
            }
            list.add(onChange);
            return list;
        });
        StreamBackend.Watch watch = () -> {
            boolean[] last = new boolean[1];
            byId.computeIfPresent(id, (k, list) -> {
                list.remove(onChange);
                last[0] = list.isEmpty();
                return last[0] ? null : list;
            });
            if (last[0]) {
                listener.last(id);
            }
        };
        if (first[0]) {
            try {
                listener.first(id);
            } catch (RuntimeException | Error e) {
                watch.close();
                throw e;
            }
        }
        return watch;
    }

    /** Whether stream {@code id} has a registration now. */
    public boolean isWatched(String id) {
        return byId.containsKey(id);
    }

    /** Calls every registration of stream {@code id}. */
    public void signal(String id) {
        List<Runnable> list = byId.get(id);
        if (list != null) {
            for (Runnable r : list) {
                r.run();
            }
        }
    }

    /** Calls every registration: after notifications may have been missed. */
    public void signalAll() {
        for (List<Runnable> list : byId.values()) {
            for (Runnable r : list) {
                r.run();
            }
        }
    }

    /** The ids watched now. */
    public Set<String> ids() {
        return Set.copyOf(byId.keySet());
    }

    /** Whether any stream is watched. */
    public boolean isEmpty() {
        return byId.isEmpty();
    }
}
