package dev.hourglass.memory;

import dev.hourglass.Attributes;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Streams guarded by their own monitor; appends and closes wake blocked readers. */
final class MemoryStreams implements StreamBackend {

    private static final long MAX_WAIT_SLICE_MS = 10;

    private static final class Stream {
        final String id;
        final Attributes metadata;
        final Instant createdAt;
        final long expiresAt;
        final List<Message> messages = new ArrayList<>();
        final Map<String, Long> markers = new HashMap<>();
        StreamStatus status = StreamStatus.OPEN;
        String reason;
        boolean deleted;

        Stream(String id, Attributes metadata, long now, long expiresAt) {
            this.id = id;
            this.metadata = metadata;
            this.createdAt = Instant.ofEpochMilli(now);
            this.expiresAt = expiresAt;
        }

        boolean live(long now) {
            return !deleted && expiresAt > now;
        }
    }

    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final ExpiryIndex index = new ExpiryIndex();

    private Stream live(String id, long now) {
        Stream s = streams.get(id);
        return s != null && s.live(now) ? s : null;
    }

    @Override
    public boolean open(String id, Attributes metadata, long now, long expiresAt) {
        boolean[] created = new boolean[1];
        streams.compute(id, (k, old) -> {
            if (old != null && old.live(now)) {
                return old;
            }
            if (old != null) {
                index.remove(k, old.expiresAt);
                retire(old);
            }
            created[0] = true;
            index.add(k, expiresAt);
            return new Stream(k, metadata, now, expiresAt);
        });
        return created[0];
    }

    @Override
    public long append(String id, byte[] payload, long now) {
        Stream s = live(id, now);
        if (s == null) {
            throw new NoSuchStreamException(id);
        }
        synchronized (s) {
            if (s.deleted) {
                throw new NoSuchStreamException(id);
            }
            if (s.status != StreamStatus.OPEN) {
                throw new StreamClosedException(id, s.status);
            }
            long seq = s.messages.size() + 1L;
            s.messages.add(new Message(seq, payload.clone(), Instant.ofEpochMilli(now)));
            s.notifyAll();
            return seq;
        }
    }

    @Override
    public boolean complete(String id, long now) {
        return close(id, StreamStatus.COMPLETED, null, now);
    }

    @Override
    public boolean fail(String id, String reason, long now) {
        return close(id, StreamStatus.FAILED, reason, now);
    }

    private boolean close(String id, StreamStatus status, String reason, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (s.deleted || s.status != StreamStatus.OPEN) {
                return false;
            }
            s.status = status;
            s.reason = reason;
            s.notifyAll();
            return true;
        }
    }

    @Override
    public Poll next(String id, String reader, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            if (s.deleted) {
                return null;
            }
            long marker = s.markers.getOrDefault(reader, 0L);
            Message m = null;
            if (marker < s.messages.size()) {
                m = s.messages.get((int) marker);
                s.markers.put(reader, marker + 1);
            }
            return Poll.of(m, s.status, s.reason);
        }
    }

    @Override
    public boolean awaitChange(String id, long deadlineNanos) throws InterruptedException {
        Stream s = streams.get(id);
        if (s == null) {
            return false;
        }
        long ms = Math.min(MAX_WAIT_SLICE_MS, Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        synchronized (s) {
            s.wait(ms);
        }
        return true;
    }

    @Override
    public StreamState state(String id, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            return new StreamState(
                    s.id,
                    s.metadata,
                    s.status,
                    Optional.ofNullable(s.reason),
                    s.messages.size(),
                    s.markers,
                    s.createdAt,
                    Instant.ofEpochMilli(s.expiresAt));
        }
    }

    @Override
    public boolean delete(String id, long now) {
        Stream s = streams.remove(id);
        if (s == null) {
            return false;
        }
        index.remove(id, s.expiresAt);
        boolean wasLive = s.live(now);
        retire(s);
        return wasLive;
    }

    private static void retire(Stream s) {
        synchronized (s) {
            s.deleted = true;
            s.notifyAll();
        }
    }

    int sweep(long now, int batchSize) {
        int removed = 0;
        Iterator<ExpiryIndex.Key> it = index.expired(now);
        while (removed < batchSize && it.hasNext()) {
            ExpiryIndex.Key key = it.next();
            Stream s = streams.get(key.id());
            if (s != null && s.expiresAt == key.expiresAt() && streams.remove(key.id(), s)) {
                retire(s);
                removed++;
            }
            index.remove(key.id(), key.expiresAt());
        }
        return removed;
    }

    long backlog(long now) {
        return index.countExpired(now, 1_000_000);
    }

    void clear() {
        streams.values().forEach(MemoryStreams::retire);
        streams.clear();
        index.clear();
    }
}
