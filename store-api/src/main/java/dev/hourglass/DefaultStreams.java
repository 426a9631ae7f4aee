package dev.hourglass;

import dev.hourglass.spi.StreamBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validation, clock, metrics and the waiting reads in front of a {@link StreamBackend}: a waiting
 * read registers with {@link StreamBackend#watch} and reads again when the backend signals a change.
 */
final class DefaultStreams implements Streams {

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
    public CloseResult complete(String id) {
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
    public CloseResult fail(String id, String reason) {
        Checks.id(id);
        Checks.reason(reason);
        return calls.run(
                Op.STREAM_FAIL, backend, id, reason, null, 0L, null, (b, i, r, z, n, now, expiry) -> b.fail(i, r, now));
    }

    @Override
    public Optional<Poll> next(String id, String reader) {
        Checks.id(id);
        Checks.reader(reader);
        return Optional.ofNullable(nextNow(id, reader));
    }

    private Poll nextNow(String id, String reader) {
        return calls.run(
                Op.STREAM_NEXT, backend, id, reader, null, 0L, null, (b, i, r, z, n, now, expiry) -> b.next(i, r, now));
    }

    @Override
    public Optional<Poll> next(String id, String reader, Duration timeout) {
        return join(id, nextAsync(id, reader, timeout));
    }

    @Override
    public CompletionStage<Optional<Poll>> nextAsync(String id, String reader, Duration timeout) {
        Checks.id(id);
        Checks.reader(reader);
        Checks.timeout(timeout);
        return new Wait<Poll>(id, timeout) {
            @Override
            Poll attempt() {
                return nextNow(id, reader);
            }

            @Override
            boolean done(Poll p) {
                return p.message().isPresent() || p.ended();
            }

            @Override
            long retryAt(Poll p) {
                return 0;
            }
        }.start();
    }

    @Override
    public Optional<Poll> take(String id, String reader, Duration lease) {
        Checks.id(id);
        Checks.reader(reader);
        lease(lease);
        return Optional.ofNullable(takeNow(id, reader, lease.toMillis()));
    }

    private Poll takeNow(String id, String reader, long leaseMillis) {
        return calls.run(
                Op.STREAM_TAKE,
                backend,
                id,
                reader,
                null,
                leaseMillis,
                null,
                (b, i, r, z, n, now, expiry) -> b.take(i, r, now + n, now));
    }

    @Override
    public CompletionStage<Optional<Poll>> takeAsync(String id, String reader, Duration lease, Duration timeout) {
        Checks.id(id);
        Checks.reader(reader);
        lease(lease);
        Checks.timeout(timeout);
        long leaseMillis = lease.toMillis();
        return new Wait<Poll>(id, timeout) {
            @Override
            Poll attempt() {
                return takeNow(id, reader, leaseMillis);
            }

            @Override
            boolean done(Poll p) {
                return p.message().isPresent() || p.ended();
            }

            @Override
            long retryAt(Poll p) {
                return p.heldUntil().map(Instant::toEpochMilli).orElse(0L);
            }
        }.start();
    }

    @Override
    public boolean ack(String id, String reader, long sequence) {
        Checks.id(id);
        Checks.reader(reader);
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be at least 1, was " + sequence);
        }
        return calls.run(
                Op.STREAM_ACK,
                backend,
                id,
                reader,
                null,
                sequence,
                null,
                (b, i, r, z, n, now, expiry) -> b.ack(i, r, n, now));
    }

    @Override
    public Optional<Batch> read(String id, long after, int limit) {
        Checks.id(id);
        cursor(after, limit);
        return Optional.ofNullable(readNow(id, after, limit));
    }

    private Batch readNow(String id, long after, int limit) {
        return calls.run(
                Op.STREAM_READ,
                backend,
                id,
                null,
                null,
                after,
                null,
                (b, i, x, z, n, now, expiry) -> b.read(i, n, limit, now));
    }

    @Override
    public CompletionStage<Optional<Batch>> readAsync(String id, long after, int limit, Duration timeout) {
        Checks.id(id);
        cursor(after, limit);
        Checks.timeout(timeout);
        return new Wait<Batch>(id, timeout) {
            @Override
            Batch attempt() {
                return readNow(id, after, limit);
            }

            @Override
            boolean done(Batch b) {
                return !b.messages().isEmpty() || b.ended();
            }

            @Override
            long retryAt(Batch b) {
                return 0;
            }
        }.start();
    }

    /** The longest lease an acknowledged read may ask for. */
    static final Duration MAX_LEASE = Duration.ofHours(1);
    /** The most messages one cursor read returns. */
    static final int MAX_READ = 1000;

    private static void lease(Duration lease) {
        if (lease == null || lease.toMillis() < 1 || lease.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("lease must be 1 ms to 1 hour, was " + lease);
        }
    }

    private static void cursor(long after, int limit) {
        if (after < 0) {
            throw new IllegalArgumentException("after must be zero or positive, was " + after);
        }
        if (limit < 1 || limit > MAX_READ) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_READ + ", was " + limit);
        }
    }

    /** Waits for a stage, turning its failure back into the exception the call would have thrown. */
    private static <R> Optional<R> join(String id, CompletionStage<Optional<R>> stage) {
        CompletableFuture<Optional<R>> f = stage.toCompletableFuture();
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting on stream '" + id + "'", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new StoreException("waiting on stream '" + id + "' failed", cause);
        }
    }

    /**
     * One waiting read: registers for the stream's changes, then attempts the read; each change (or
     * the end of another caller's lease, or the deadline) runs one more attempt on a shared worker
     * pool. Between attempts nothing runs and no thread is held. At most one attempt runs at a time;
     * a change that comes during one runs another after it, so none is missed.
     */
    private abstract class Wait<R> implements Runnable {
        private static final int IDLE = 0;
        private static final int RUNNING = 1;
        private static final int AGAIN = 2;

        final String id;
        private final long deadline;
        private final CompletableFuture<Optional<R>> future = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(RUNNING);
        private StreamBackend.Watch watch;
        private volatile ScheduledFuture<?> deadlineTimer;
        private volatile ScheduledFuture<?> retryTimer;

        Wait(String id, Duration timeout) {
            this.id = id;
            this.deadline = System.nanoTime() + timeout.toNanos();
        }

        abstract R attempt();

        abstract boolean done(R r);

        /** Store time (epoch ms) at which to attempt again whatever happens, or 0. */
        abstract long retryAt(R r);

        CompletionStage<Optional<R>> start() {
            future.whenComplete((r, e) -> stop());
            if (deadline - System.nanoTime() > 0) {
                try {
                    watch = backend.watch(id, this::kick);
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                    return future;
                }
            }
            run();
            if (!future.isDone()) {
                long left = deadline - System.nanoTime();
                try {
                    deadlineTimer = Timers.TIMERS.schedule(this::kick, Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    future.completeExceptionally(new StoreException("stream waits are shut down"));
                }
            }
            return future;
        }

        private void kick() {
            while (!future.isDone()) {
                int s = state.get();
                if (s == IDLE) {
                    if (state.compareAndSet(IDLE, RUNNING)) {
                        try {
                            Timers.WORKERS.execute(this);
                        } catch (RejectedExecutionException e) {
                            future.completeExceptionally(new StoreException("stream waits are shut down"));
                        }
                        return;
                    }
                } else if (s == RUNNING) {
                    if (state.compareAndSet(RUNNING, AGAIN)) {
                        return;
                    }
                } else {
                    return;
                }
            }
        }

        @Override
        public void run() {
            do {
                state.set(RUNNING);
                if (future.isDone()) {
                    return;
                }
                step();
            } while (!state.compareAndSet(RUNNING, IDLE));
        }

        private void step() {
            R r;
            try {
                r = attempt();
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
                return;
            }
            if (r == null || done(r) || deadline - System.nanoTime() <= 0) {
                future.complete(Optional.ofNullable(r));
                return;
            }
            long retry = retryAt(r);
            if (retry > 0) {
                long delay = Math.max(1, retry - calls.clock().millis());
                ScheduledFuture<?> old = retryTimer;
                if (old != null) {
                    old.cancel(false);
                }
                retryTimer = Timers.TIMERS.schedule(this::kick, delay, TimeUnit.MILLISECONDS);
            }
        }

        private void stop() {
            StreamBackend.Watch w = watch;
            if (w != null) {
                w.close();
            }
            ScheduledFuture<?> t = deadlineTimer;
            if (t != null) {
                t.cancel(false);
            }
            t = retryTimer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** The timer and worker threads of waiting reads: daemon threads that end when idle. */
    private static final class Timers {
        static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, daemon("timer"));
        static final ThreadPoolExecutor WORKERS =
                new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("wake"));

        static {
            TIMERS.setRemoveOnCancelPolicy(true);
            TIMERS.setKeepAliveTime(30, TimeUnit.SECONDS);
            TIMERS.allowCoreThreadTimeOut(true);
            WORKERS.allowCoreThreadTimeOut(true);
        }

        private static ThreadFactory daemon(String name) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "hourglass-stream-" + name + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
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
