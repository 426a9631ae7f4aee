package dev.hourglass.memory;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.Message;
import dev.hourglass.NoSuchStreamException;
import dev.hourglass.Poll;
import dev.hourglass.StreamClosedException;
import dev.hourglass.StreamState;
import dev.hourglass.StreamStatus;
import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.StreamWatchers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Streams guarded by their own monitor; appends, closes, acknowledgements and deletes signal watchers. */
final class MemoryStreams implements StreamBackend {

    private static final class Stream {
        final String id;
        final Attributes metadata;
        final Instant createdAt;
        final long expiresAt;
        final List<Message> messages = new ArrayList<>();
        final Map<String, Long> markers = new HashMap<>();
        final Map<String, Long> leases = new HashMap<>();
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
    private final StreamWatchers watchers = new StreamWatchers();

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
        long seq;
        synchronized (s) {
            if (s.deleted) {
                throw new NoSuchStreamException(id);
            }
            if (s.status != StreamStatus.OPEN) {
                throw new StreamClosedException(id, s.status);
            }
            seq = s.messages.size() + 1L;
            s.messages.add(new Message(seq, payload.clone(), Instant.ofEpochMilli(now)));
        }
        watchers.signal(id);
        return seq;
    }

    @Override
    public CloseResult complete(String id, long now) {
        return close(id, StreamStatus.COMPLETED, null, now);
    }

    @Override
    public CloseResult fail(String id, String reason, long now) {
        return close(id, StreamStatus.FAILED, reason, now);
    }

    private CloseResult close(String id, StreamStatus status, String reason, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return CloseResult.ABSENT;
        }
        synchronized (s) {
            if (s.deleted) {
                return CloseResult.ABSENT;
            }
            if (s.status != StreamStatus.OPEN) {
                return CloseResult.already(s.status);
            }
            s.status = status;
            s.reason = reason;
        }
        watchers.signal(id);
        return CloseResult.CLOSED;
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
                s.leases.remove(reader);
            }
            return Poll.of(m, s.status, s.reason);
        }
    }

    @Override
    public Poll take(String id, String reader, long leaseUntil, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            if (s.deleted) {
                return null;
            }
            long marker = s.markers.getOrDefault(reader, 0L);
            if (marker >= s.messages.size()) {
                return Poll.of(null, s.status, s.reason);
            }
            long held = s.leases.getOrDefault(reader, 0L);
            if (held > now) {
                return Poll.held(s.status, s.reason, held);
            }
            s.leases.put(reader, leaseUntil);
            s.markers.putIfAbsent(reader, 0L);
            return Poll.of(s.messages.get((int) marker), s.status, s.reason);
        }
    }

    @Override
    public boolean ack(String id, String reader, long sequence, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            long marker = s.markers.getOrDefault(reader, 0L);
            if (s.deleted || sequence != marker + 1 || !s.leases.containsKey(reader)) {
                return false;
            }
            s.markers.put(reader, sequence);
            s.leases.remove(reader);
        }
        watchers.signal(id);
        return true;
    }

    @Override
    public Batch read(String id, long after, int limit, long now) {
        Stream s = live(id, now);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            if (s.deleted) {
                return null;
            }
            int size = s.messages.size();
            int from = (int) Math.min(after, size);
            int to = (int) Math.min((long) from + limit, size);
            return new Batch(after, s.messages.subList(from, to), s.status, Optional.ofNullable(s.reason), size);
        }
    }

    @Override
    public Watch watch(String id, Runnable onChange) {
        return watchers.watch(id, onChange);
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
        watchers.signal(id);
        return wasLive;
    }

    private static void retire(Stream s) {
        synchronized (s) {
            s.deleted = true;
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
                watchers.signal(key.id());
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
        watchers.signalAll();
    }
}
