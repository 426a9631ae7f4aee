package dev.hourglass;

import dev.hourglass.spi.StreamBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Validation, clock, metrics and the polling blocking read in front of a {@link StreamBackend}. */
final class DefaultStreams implements Streams {

    private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final DefaultStore store;
    private final StreamBackend backend;
    private final Clock clock;
    private final Limits limits;
    private final Metrics metrics;

    DefaultStreams(DefaultStore store, StreamBackend backend, Clock clock, Limits limits, Metrics metrics) {
        this.store = store;
        this.backend = backend;
        this.clock = clock;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public boolean open(String id, Attributes metadata, Duration ttl) {
        Checks.id(id);
        Checks.attributes("metadata", metadata, limits);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            return backend.open(id, metadata, now, Checks.expiry(now, ttl));
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_OPEN, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_OPEN, t);
        }
    }

    @Override
    public long append(String id, byte[] payload) {
        Checks.id(id);
        Checks.payload(payload, limits);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.append(id, payload, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_APPEND, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_APPEND, t);
        }
    }

    @Override
    public boolean complete(String id) {
        Checks.id(id);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.complete(id, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_COMPLETE, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_COMPLETE, t);
        }
    }

    @Override
    public boolean fail(String id, String reason) {
        Checks.id(id);
        Checks.reason(reason);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.fail(id, reason, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_FAIL, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_FAIL, t);
        }
    }

    @Override
    public Optional<Poll> next(String id, String reader) {
        Checks.id(id);
        Checks.reader(reader);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return Optional.ofNullable(backend.next(id, reader, clock.millis()));
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_NEXT, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_NEXT, t);
        }
    }

    @Override
    public Optional<Poll> next(String id, String reader, Duration timeout) {
        Checks.id(id);
        Checks.reader(reader);
        Checks.timeout(timeout);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            long backoff = MIN_BACKOFF_NANOS;
            while (true) {
                Poll p = backend.next(id, reader, clock.millis());
                if (p == null || p.message().isPresent() || p.ended()) {
                    return Optional.ofNullable(p);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.of(p);
                }
                if (!backend.awaitChange(id, deadline)) {
                    LockSupport.parkNanos(Math.min(backoff, left));
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting on stream '" + id + "'");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting on stream '" + id + "'", e);
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_NEXT, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_NEXT, t);
        }
    }

    @Override
    public Optional<StreamState> state(String id) {
        Checks.id(id);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return Optional.ofNullable(backend.state(id, clock.millis()));
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_STATE, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_STATE, t);
        }
    }

    @Override
    public boolean delete(String id) {
        Checks.id(id);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.delete(id, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.STREAM_DELETE, e);
            throw e;
        } finally {
            metrics.stop(Op.STREAM_DELETE, t);
        }
    }
}
