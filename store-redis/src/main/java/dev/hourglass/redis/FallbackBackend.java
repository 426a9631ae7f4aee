package dev.hourglass.redis;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.Capability;
import dev.hourglass.CloseResult;
import dev.hourglass.Limits;
import dev.hourglass.Page;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.StreamState;
import dev.hourglass.Sweeper;
import dev.hourglass.memory.MemoryProvider;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.SweepTask;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Degraded mode ({@code fallback=memory}): Redis while it answers, this process's memory while it
 * does not. The cost, said plainly: sessions and streams written during an outage exist only on
 * this node (other nodes do not see them, and atomicity holds only within this process), and they
 * are dropped when Redis is back, since Redis again holds the truth; writes made to Redis before
 * the outage are invisible during it. A call that finds Redis unreachable switches to memory at
 * once (it is served from memory, not failed); a probe pings Redis every half second and switches
 * back. Each switch is logged once at WARN; with a meter registry, {@code hourglass.redis.degraded}
 * (1 while serving from memory), {@code hourglass.redis.fallback.calls} and
 * {@code hourglass.redis.fallback.dropped} tell the same.
 */
final class FallbackBackend implements Backend {

    private static final Logger log = LoggerFactory.getLogger(FallbackBackend.class);
    private static final long PROBE_MILLIS = 500;

    private final StoreConfig config;
    private final RedisSettings settings;
    private final String describe;
    private final Limits limits;
    private final Sweeper sweeper;
    private final Thread probe;
    private final AtomicLong fallbackCalls = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object lock = new Object();

    private volatile RedisBackend redis;
    private volatile Backend memory;
    private volatile boolean degraded;
    private volatile boolean closed;

    FallbackBackend(StoreConfig config, RedisSettings settings) {
        this.config = config;
        this.settings = settings;
        this.describe = StoreConfig.redact(config.uri());
        this.limits = new Limits(settings.maxSessionBytes(), settings.maxMessageBytes());
        this.memory = newMemory();
        try {
            redis = new RedisBackend(config, settings);
        } catch (StoreUnavailableException e) {
            degraded = true;
            log.warn(
                    "redis store {} is unreachable at open ({}); serving from this node's memory until it answers."
                            + " Sessions written meanwhile live only on this node and are dropped when Redis is back",
                    describe,
                    e.getMessage());
        }
        this.sweeper = config.newSweeper("redis-fallback", new SweepTask() {
            @Override
            public int sweep(long now, int batchSize) {
                int n = 0;
                RedisBackend r = redis;
                if (!degraded && r != null) {
                    try {
                        n = r.sweepTask().sweep(now, batchSize);
                    } catch (StoreUnavailableException e) {
                        enterDegraded(e);
                    }
                }
                return n
                        + memory.sweeper()
                                .map(s -> (int) s.runNow().removedLastRun())
                                .orElse(0);
            }

            @Override
            public long backlog(long now) {
                RedisBackend r = redis;
                return !degraded && r != null ? call(x -> x.sweepTask().backlog(now), null) : -1;
            }
        });
        config.options().meterRegistry().ifPresent(this::bindMetrics);
        probe = new Thread(this::probeLoop, "hourglass-redis-probe");
        probe.setDaemon(true);
        probe.start();
    }

    private Backend newMemory() {
        StoreOptions o = config.options();
        StoreOptions plain = StoreOptions.builder()
                .clock(o.clock())
                .timeout(o.timeout())
                .sweepInterval(o.sweepInterval())
                .sweepBatchSize(o.sweepBatchSize())
                .sweepTimeBudget(o.sweepTimeBudget())
                .sweeperAutoStart(false)
                .build();
        String uri = "memory:?maxSessionBytes=" + settings.maxSessionBytes() + "&maxMessageBytes="
                + settings.maxMessageBytes();
        return new MemoryProvider().open(config.withUri(uri, "memory").withOptions(plain));
    }

    private void bindMetrics(Object registry) {
        try {
            FallbackMetrics.bind(registry, this);
        } catch (LinkageError e) {
            log.debug("metrics for degraded mode not bound", e);
        }
    }

    boolean degraded() {
        return degraded;
    }

    long fallbackCalls() {
        return fallbackCalls.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Runs {@code op} on Redis, or on memory (when {@code onMemory} is given) while Redis is unreachable. */
    private <T> T call(Function<RedisBackend, T> op, Function<Backend, T> onMemory) {
        RedisBackend r = redis;
        if (!degraded && r != null) {
            try {
                return op.apply(r);
            } catch (StoreUnavailableException e) {
                if (onMemory == null) {
                    throw e;
                }
                enterDegraded(e);
            }
        }
        if (onMemory == null) {
            throw new StoreUnavailableException("redis store " + describe + " is unreachable");
        }
        fallbackCalls.incrementAndGet();
        return onMemory.apply(memory);
    }

    private void enterDegraded(StoreUnavailableException cause) {
        synchronized (lock) {
            if (!degraded) {
                degraded = true;
                log.warn(
                        "redis store {} is unreachable ({}); serving from this node's memory until it answers."
                                + " Sessions and streams written meanwhile live only on this node, other nodes do not see"
                                + " them, and they are dropped when Redis is back",
                        describe,
                        cause.getMessage());
            }
        }
    }

    private void probeLoop() {
        while (!closed) {
            try {
                Thread.sleep(PROBE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (!degraded || closed) {
                continue;
            }
            RedisBackend r = redis;
            if (r == null) {
                try {
                    r = new RedisBackend(config, settings);
                } catch (RuntimeException e) {
                    continue;
                }
                synchronized (lock) {
                    if (closed) {
                        r.close();
                        return;
                    }
                    redis = r;
                }
            }
            if (r.ping()) {
                leaveDegraded();
            }
        }
    }

    private void leaveDegraded() {
        Backend old;
        long lost;
        synchronized (lock) {
            old = memory;
            lost = old.sessions().count(config.clock().millis());
            memory = newMemory();
            degraded = false;
        }
        dropped.addAndGet(lost);
        old.close();
        log.warn(
                "redis store {} answers again; serving from Redis. {} live sessions written during the outage"
                        + " existed only on this node and were dropped, with any streams opened meanwhile",
                describe,
                lost);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String describe() {
        return describe;
    }

    /** No cross-node atomicity is promised: during an outage each node works alone. */
    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.NATIVE_TTL);
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public SessionBackend sessions() {
        return sessions;
    }

    @Override
    public StreamBackend streams() {
        return streams;
    }

    @Override
    public Optional<LimiterBackend> limiters() {
        return Optional.of(new FallbackLimiters(this::call));
    }

    @Override
    public Optional<Sweeper> sweeper() {
        return Optional.of(sweeper);
    }

    @Override
    public boolean ping() {
        RedisBackend r = redis;
        return r != null && r.ping();
    }

    @Override
    public void close() {
        RedisBackend r;
        synchronized (lock) {
            closed = true;
            r = redis;
        }
        probe.interrupt();
        try {
            probe.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (r != null) {
            r.close();
        }
        memory.close();
    }

    private final SessionBackend sessions = new SessionBackend() {
        @Override
        public Session get(String id, long now) {
            return call(r -> r.sessions().get(id, now), m -> m.sessions().get(id, now));
        }

        @Override
        public Map<String, Session> getAll(Collection<String> ids, long now) {
            return call(r -> r.sessions().getAll(ids, now), m -> m.sessions().getAll(ids, now));
        }

        @Override
        public void putAll(Map<String, Attributes> batch, long now, long expiresAt) {
            call(
                    r -> {
                        r.sessions().putAll(batch, now, expiresAt);
                        return null;
                    },
                    m -> {
                        m.sessions().putAll(batch, now, expiresAt);
                        return null;
                    });
        }

        @Override
        public Session put(String id, Attributes attributes, long now, long expiresAt) {
            return call(
                    r -> r.sessions().put(id, attributes, now, expiresAt),
                    m -> m.sessions().put(id, attributes, now, expiresAt));
        }

        @Override
        public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
            return call(
                    r -> r.sessions().createIfAbsent(id, attributes, now, expiresAt),
                    m -> m.sessions().createIfAbsent(id, attributes, now, expiresAt));
        }

        @Override
        public Session merge(String id, Attributes set, Set<String> remove, long now) {
            return call(
                    r -> r.sessions().merge(id, set, remove, now),
                    m -> m.sessions().merge(id, set, remove, now));
        }

        @Override
        public boolean touch(String id, long now, long expiresAt) {
            return call(
                    r -> r.sessions().touch(id, now, expiresAt),
                    m -> m.sessions().touch(id, now, expiresAt));
        }

        @Override
        public Session getAndTouch(String id, long now, long expiresAt) {
            return call(
                    r -> r.sessions().getAndTouch(id, now, expiresAt),
                    m -> m.sessions().getAndTouch(id, now, expiresAt));
        }

        @Override
        public boolean delete(String id, long now) {
            return call(r -> r.sessions().delete(id, now), m -> m.sessions().delete(id, now));
        }

        @Override
        public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
            return call(
                    r -> r.sessions().compareAndSet(id, expectedVersion, attributes, now),
                    m -> m.sessions().compareAndSet(id, expectedVersion, attributes, now));
        }

        /**
         * Cursors say which side they came from: {@code r} and a Redis cursor, or {@code m} and a
         * memory one. A cursor from the other side restarts the listing; anything else is refused.
         */
        @Override
        public Page<String> ids(String cursor, int limit, long now) {
            if (cursor != null) {
                checkSide(cursor);
            }
            return call(
                    r -> tag("r", r.sessions().ids(side(cursor, 'r'), limit, now)),
                    m -> tag("m", m.sessions().ids(side(cursor, 'm'), limit, now)));
        }

        private void checkSide(String cursor) {
            if (cursor.length() < 2 || (cursor.charAt(0) != 'r' && cursor.charAt(0) != 'm')) {
                throw RedisSessions.Cursor.invalid(cursor);
            }
            if (cursor.charAt(0) == 'r') {
                RedisSessions.Cursor.parse(cursor.substring(1), settings.buckets());
            }
        }

        private String side(String cursor, char side) {
            return cursor != null && cursor.charAt(0) == side ? cursor.substring(1) : null;
        }

        private Page<String> tag(String side, Page<String> page) {
            return new Page<>(page.items(), page.next().map(c -> side + c));
        }

        @Override
        public long count(long now) {
            return call(r -> r.sessions().count(now), m -> m.sessions().count(now));
        }

        @Override
        public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
            return call(
                    r -> r.sessions().findByIndex(name, value, limit, now),
                    m -> m.sessions().findByIndex(name, value, limit, now));
        }
    };

    private final StreamBackend streams = new StreamBackend() {
        @Override
        public boolean open(String id, Attributes metadata, long now, long expiresAt) {
            return call(
                    r -> r.streams().open(id, metadata, now, expiresAt),
                    m -> m.streams().open(id, metadata, now, expiresAt));
        }

        @Override
        public long append(String id, byte[] payload, long now) {
            return call(
                    r -> r.streams().append(id, payload, now), m -> m.streams().append(id, payload, now));
        }

        @Override
        public CloseResult complete(String id, long now) {
            return call(r -> r.streams().complete(id, now), m -> m.streams().complete(id, now));
        }

        @Override
        public CloseResult fail(String id, String reason, long now) {
            return call(r -> r.streams().fail(id, reason, now), m -> m.streams().fail(id, reason, now));
        }

        @Override
        public Poll next(String id, String reader, long now) {
            return call(r -> r.streams().next(id, reader, now), m -> m.streams().next(id, reader, now));
        }

        @Override
        public Poll take(String id, String reader, long leaseUntil, long now) {
            return call(
                    r -> r.streams().take(id, reader, leaseUntil, now),
                    m -> m.streams().take(id, reader, leaseUntil, now));
        }

        @Override
        public boolean ack(String id, String reader, long sequence, long now) {
            return call(
                    r -> r.streams().ack(id, reader, sequence, now),
                    m -> m.streams().ack(id, reader, sequence, now));
        }

        @Override
        public Batch read(String id, long after, int limit, long now) {
            return call(
                    r -> r.streams().read(id, after, limit, now),
                    m -> m.streams().read(id, after, limit, now));
        }

        /** Watches both tiers, so that a wait begun on one is woken by changes made after a switch to the other. */
        @Override
        public Watch watch(String id, Runnable onChange) {
            Watch local = memory.streams().watch(id, onChange);
            RedisBackend r = redis;
            if (degraded || r == null) {
                return local;
            }
            Watch remote;
            try {
                remote = r.streams().watch(id, onChange);
            } catch (StoreUnavailableException e) {
                enterDegraded(e);
                return local;
            }
            return () -> {
                remote.close();
                local.close();
            };
        }

        @Override
        public StreamState state(String id, long now) {
            return call(r -> r.streams().state(id, now), m -> m.streams().state(id, now));
        }

        @Override
        public boolean delete(String id, long now) {
            return call(r -> r.streams().delete(id, now), m -> m.streams().delete(id, now));
        }
    };
}
