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

    private final StreamBackend backend;
    private final Calls calls;
    private final Limits limits;

    DefaultStreams(StreamBackend backend, Calls calls, Limits limits) {
        this.backend = backend;
        this.calls = calls;
        this.limits = limits;
    }

    @Override
    public boolean open(String id, Attributes metadata, Duration ttl) {
        Checks.id(id);
        Checks.attributes("metadata", metadata, limits);
        Checks.ttl(ttl);
        return calls.run(
                Op.STREAM_OPEN,
                backend,
                id,
                metadata,
                null,
                0L,
                ttl,
                (b, i, m, z, n, now, expiry) -> b.open(i, m, now, expiry));
    }

    @Override
    public long append(String id, byte[] payload) {
        Checks.id(id);
        Checks.payload(payload, limits);
        return calls.runLong(
                Op.STREAM_APPEND,
                backend,
                id,
                payload,
                null,
                0L,
                null,
                (b, i, p, z, n, now, expiry) -> b.append(i, p, now));
    }

    @Override
    public boolean complete(String id) {
        Checks.id(id);
        return calls.run(
                Op.STREAM_COMPLETE,
                backend,
                id,
                null,
                null,
                0L,
                null,
                (b, i, x, z, n, now, expiry) -> b.complete(i, now));
    }

    @Override
    public boolean fail(String id, String reason) {
        Checks.id(id);
        Checks.reason(reason);
        return calls.run(
                Op.STREAM_FAIL, backend, id, reason, null, 0L, null, (b, i, r, z, n, now, expiry) -> b.fail(i, r, now));
    }

    @Override
    public Optional<Poll> next(String id, String reader) {
        Checks.id(id);
        Checks.reader(reader);
        return Optional.ofNullable(calls.run(
                Op.STREAM_NEXT,
                backend,
                id,
                reader,
                null,
                0L,
                null,
                (b, i, r, z, n, now, expiry) -> b.next(i, r, now)));
    }

    @Override
    public Optional<Poll> next(String id, String reader, Duration timeout) {
        Checks.id(id);
        Checks.reader(reader);
        Checks.timeout(timeout);
        return Optional.ofNullable(calls.run(
                Op.STREAM_NEXT,
                this,
                id,
                reader,
                null,
                timeout.toNanos(),
                null,
                (s, i, r, z, nanos, now, expiry) -> s.await(i, r, nanos)));
    }

    /** Polls until a message or the end arrives, or {@code timeoutNanos} pass; null when there is no stream. */
    private Poll await(String id, String reader, long timeoutNanos) {
        Clock clock = calls.clock();
        long deadline = System.nanoTime() + timeoutNanos;
        long backoff = MIN_BACKOFF_NANOS;
        try {
            while (true) {
                Poll p = backend.next(id, reader, clock.millis());
                if (p == null || p.message().isPresent() || p.ended()) {
                    return p;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return p;
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
        }
    }

    @Override
    public Optional<StreamState> state(String id) {
        Checks.id(id);
        return Optional.ofNullable(calls.run(
                Op.STREAM_STATE, backend, id, null, null, 0L, null, (b, i, x, z, n, now, expiry) -> b.state(i, now)));
    }

    @Override
    public boolean delete(String id) {
        Checks.id(id);
        return calls.run(
                Op.STREAM_DELETE, backend, id, null, null, 0L, null, (b, i, x, z, n, now, expiry) -> b.delete(i, now));
    }
}
