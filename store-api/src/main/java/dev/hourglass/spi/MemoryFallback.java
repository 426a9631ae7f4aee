package dev.hourglass.spi;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.Capability;
import dev.hourglass.CloseResult;
import dev.hourglass.Limits;
import dev.hourglass.Page;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Poll;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.Session;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.StreamState;
import dev.hourglass.Sweeper;
import dev.hourglass.memory.MemoryProvider;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Degraded mode for any backend whose engine is a server: the engine while it answers, this process's
 * memory while it does not. A provider offers it as an option (e.g. {@code fallback=memory}) and wraps
 * its backend with {@link #wrap}.
 *
 * <p>The cost, said plainly: sessions, streams and limiter counts written during an outage exist only on
 * this node (other nodes do not see them, and atomicity holds only within this process), and they are
 * dropped when the engine is back, since it again holds the truth; what the engine held before the outage
 * is invisible during it. A call that finds the engine unreachable ({@link StoreUnavailableException})
 * switches to memory at once (it is served from memory, not failed); a probe pings the engine every half
 * second, reopening it when it was unreachable at open, and switches back. Each switch is logged once at
 * WARN; with a meter registry, {@code hourglass.<name>.degraded} (1 while serving from memory),
 * {@code hourglass.<name>.fallback.calls} and {@code hourglass.<name>.fallback.dropped} tell the same.
 *
 * <p>Listing cursors say which side issued them; a cursor of the other side restarts the listing, and the
 * side's backend checks the rest as it checks its own cursors.
 */
public final class MemoryFallback implements Backend {

    /** Opens the engine's backend; throws {@link StoreUnavailableException} while the engine is unreachable. */
    @FunctionalInterface
    public interface Opener {
        /**
         * The engine's backend for {@code config}.
         *
         * @throws StoreUnavailableException when the engine does not answer
         */
        Backend open(StoreConfig config);
    }

    /** The store option that asks for degraded mode: {@code fallback=memory}. */
    public static final String OPTION = "fallback";

    private static final Logger log = LoggerFactory.getLogger(MemoryFallback.class);
    private static final long PROBE_MILLIS = 500;

    private final StoreConfig config;
    private final StoreConfig primaryConfig;
    private final Opener opener;
    private final String name;
    private final String describe;
    private final Limits limits;
    private final Sweeper sweeper;
    private final Thread probe;
    private final AtomicLong fallbackCalls = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Object lock = new Object();

    private volatile Backend primary;
    private volatile Backend memory;
    private volatile boolean degraded;
    private volatile boolean closed;

    private MemoryFallback(StoreConfig config, String name, Limits limits, Opener opener) {
        this.config = config;
        this.name = name;
        this.opener = opener;
        this.describe = StoreConfig.redact(config.uri());
        this.limits = limits;
        this.primaryConfig = config.withOptions(
                config.options().toBuilder().sweeperAutoStart(false).build());
        this.memory = newMemory();
        try {
            primary = opener.open(primaryConfig);
        } catch (StoreUnavailableException e) {
            degraded = true;
            log.warn(
                    "{} store {} is unreachable at open ({}); serving from this node's memory until it answers."
                            + " Sessions written meanwhile live only on this node and are dropped when it is back",
                    name,
                    describe,
                    e.getMessage());
        }
        this.sweeper = config.newSweeper(name + "-fallback", new SweepTask() {
            @Override
            public int sweep(long now, int batchSize) {
                int n = 0;
                Backend p = primary;
                if (!degraded && p != null) {
                    try {
                        n = p.sweeper()
                                .map(s -> (int) s.runNow().removedLastRun())
                                .orElse(0);
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
                return -1;
            }
        });
        config.options().meterRegistry().ifPresent(this::bindMetrics);
        probe = new Thread(this::probeLoop, "hourglass-" + name + "-probe");
        probe.setDaemon(true);
        probe.start();
    }

    /**
     * {@code opener}'s backend, served from this process's memory while its engine is unreachable. The
     * engine's backend is opened with its sweeper not started: this backend's sweeper drives it.
     *
     * @param config the store's config
     * @param name the backend's name (used in logs, meter names and thread names)
     * @param limits the size limits the engine's backend keeps, which memory keeps as well
     * @param opener opens the engine's backend
     * @throws IllegalArgumentException when an argument is null or {@code name} is empty
     */
    public static Backend wrap(StoreConfig config, String name, Limits limits, Opener opener) {
        if (config == null || name == null || name.isEmpty() || limits == null || opener == null) {
            throw new IllegalArgumentException("config, a non-empty name, limits and opener are required");
        }
        return new MemoryFallback(config, name, limits, opener);
    }

    /**
     * Whether {@code config} asks for degraded mode: its option {@code fallback} is {@code memory}
     * ({@code none}, the default, asks for none).
     *
     * @throws IllegalArgumentException when the option has another value
     */
    public static boolean requested(StoreConfig config) {
        String fallback = config.string(OPTION, "none").trim().toLowerCase(Locale.ROOT);
        if (!fallback.equals("none") && !fallback.equals("memory")) {
            throw new IllegalArgumentException(
                    "option '" + OPTION + "' must be 'none' or 'memory', was '" + fallback + "'");
        }
        return fallback.equals("memory");
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
        String uri =
                "memory:?maxSessionBytes=" + limits.maxSessionBytes() + "&maxMessageBytes=" + limits.maxMessageBytes();
        return new MemoryProvider().open(config.withUri(uri, "memory").withOptions(plain));
    }

    private void bindMetrics(Object registry) {
        try {
            FallbackMetrics.bind(registry, this, name);
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

    /** Runs {@code op} on the engine's backend, or on memory while the engine is unreachable. */
    private <T> T call(Function<Backend, T> op) {
        Backend p = primary;
        if (!degraded && p != null) {
            try {
                return op.apply(p);
            } catch (StoreUnavailableException e) {
                enterDegraded(e);
            }
        }
        fallbackCalls.incrementAndGet();
        return op.apply(memory);
    }

    private void enterDegraded(StoreUnavailableException cause) {
        synchronized (lock) {
            if (!degraded) {
                degraded = true;
                log.warn(
                        "{} store {} is unreachable ({}); serving from this node's memory until it answers."
                                + " Sessions and streams written meanwhile live only on this node, other nodes do"
                                + " not see them, and they are dropped when it is back",
                        name,
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
            Backend p = primary;
            if (p == null) {
                try {
                    p = opener.open(primaryConfig);
                } catch (RuntimeException e) {
                    continue;
                }
                synchronized (lock) {
                    if (closed) {
                        p.close();
                        return;
                    }
                    primary = p;
                }
            }
            if (p.ping()) {
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
                "{} store {} answers again; serving from it. {} live sessions written during the outage"
                        + " existed only on this node and were dropped, with any streams opened meanwhile",
                name,
                describe,
                lost);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return describe;
    }

    /** What holds on both sides: what memory offers too (no cross-node promise, since each node works alone in an outage). */
    @Override
    public Set<Capability> capabilities() {
        Set<Capability> both = EnumSet.noneOf(Capability.class);
        Backend p = primary;
        if (p != null) {
            both.addAll(p.capabilities());
            both.retainAll(memory.capabilities());
        }
        return both;
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
        return Optional.of(limiters);
    }

    @Override
    public Optional<Sweeper> sweeper() {
        return Optional.of(sweeper);
    }

    @Override
    public boolean ping() {
        Backend p = primary;
        return p != null && p.ping();
    }

    @Override
    public void close() {
        Backend p;
        synchronized (lock) {
            closed = true;
            p = primary;
        }
        probe.interrupt();
        try {
            probe.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (p != null) {
            p.close();
        }
        memory.close();
    }

    private final SessionBackend sessions = new SessionBackend() {
        @Override
        public Session get(String id, long now) {
            return call(b -> b.sessions().get(id, now));
        }

        @Override
        public Map<String, Session> getAll(Collection<String> ids, long now) {
            return call(b -> b.sessions().getAll(ids, now));
        }

        @Override
        public void putAll(Map<String, Attributes> batch, long now, long expiresAt) {
            call(b -> {
                b.sessions().putAll(batch, now, expiresAt);
                return null;
            });
        }

        @Override
        public Session put(String id, Attributes attributes, long now, long expiresAt) {
            return call(b -> b.sessions().put(id, attributes, now, expiresAt));
        }

        @Override
        public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
            return call(b -> b.sessions().createIfAbsent(id, attributes, now, expiresAt));
        }

        @Override
        public Session merge(String id, Attributes set, Set<String> remove, long now) {
            return call(b -> b.sessions().merge(id, set, remove, now));
        }

        @Override
        public boolean touch(String id, long now, long expiresAt) {
            return call(b -> b.sessions().touch(id, now, expiresAt));
        }

        @Override
        public Session getAndTouch(String id, long now, long expiresAt) {
            return call(b -> b.sessions().getAndTouch(id, now, expiresAt));
        }

        @Override
        public boolean delete(String id, long now) {
            return call(b -> b.sessions().delete(id, now));
        }

        @Override
        public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
            return call(b -> b.sessions().compareAndSet(id, expectedVersion, attributes, now));
        }

        /** {@code p} and the engine's cursor, or {@code m} and memory's; a cursor of the other side restarts. */
        @Override
        public Page<String> ids(String cursor, int limit, long now) {
            if (cursor != null && (cursor.length() < 2 || (cursor.charAt(0) != 'p' && cursor.charAt(0) != 'm'))) {
                throw new IllegalArgumentException("cursor is not one this store issued");
            }
            return call(b -> {
                char side = b == memory ? 'm' : 'p';
                String own = cursor != null && cursor.charAt(0) == side ? cursor.substring(1) : null;
                Page<String> page = b.sessions().ids(own, limit, now);
                return new Page<>(page.items(), page.next().map(c -> side + c));
            });
        }

        @Override
        public long count(long now) {
            return call(b -> b.sessions().count(now));
        }

        @Override
        public Map<String, Session> findByIndex(String index, byte[] value, int limit, long now) {
            return call(b -> b.sessions().findByIndex(index, value, limit, now));
        }
    };

    private final StreamBackend streams = new StreamBackend() {
        @Override
        public boolean open(String id, Attributes metadata, long now, long expiresAt) {
            return call(b -> b.streams().open(id, metadata, now, expiresAt));
        }

        @Override
        public long append(String id, byte[] payload, long now) {
            return call(b -> b.streams().append(id, payload, now));
        }

        @Override
        public CloseResult complete(String id, long now) {
            return call(b -> b.streams().complete(id, now));
        }

        @Override
        public CloseResult fail(String id, String reason, long now) {
            return call(b -> b.streams().fail(id, reason, now));
        }

        @Override
        public Poll next(String id, String reader, long now) {
            return call(b -> b.streams().next(id, reader, now));
        }

        @Override
        public Poll take(String id, String reader, long leaseUntil, long now) {
            return call(b -> b.streams().take(id, reader, leaseUntil, now));
        }

        @Override
        public boolean ack(String id, String reader, long sequence, long now) {
            return call(b -> b.streams().ack(id, reader, sequence, now));
        }

        @Override
        public Batch read(String id, long after, int limit, long now) {
            return call(b -> b.streams().read(id, after, limit, now));
        }

        /** Watches both sides, so that a wait begun on one is woken by changes made after a switch to the other. */
        @Override
        public Watch watch(String id, Runnable onChange) {
            Watch local = memory.streams().watch(id, onChange);
            Backend p = primary;
            if (degraded || p == null) {
                return local;
            }
            Watch remote;
            try {
                remote = p.streams().watch(id, onChange);
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
            return call(b -> b.streams().state(id, now));
        }

        @Override
        public boolean delete(String id, long now) {
            return call(b -> b.streams().delete(id, now));
        }
    };

    /**
     * Limiters in degraded mode: during an outage each node counts on its own, so a limit shared by k nodes
     * admits up to k times its limit, and what was counted before the outage is not seen; when the engine
     * is back its counts hold again and the ones kept in memory are dropped.
     */
    private final LimiterBackend limiters = new LimiterBackend() {
        private LimiterBackend of(Backend b) {
            return b.limiters().orElseThrow(() -> new IllegalStateException(name + " has no limiters"));
        }

        @Override
        public RateDecision take(String key, RateLimit limit, long n, long now) {
            return call(b -> of(b).take(key, limit, n, now));
        }

        @Override
        public PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd) {
            return call(b -> of(b).acquire(key, permits, permitId, now, leaseEnd));
        }

        @Override
        public boolean renew(String key, String permitId, long now, long leaseEnd) {
            return call(b -> of(b).renew(key, permitId, now, leaseEnd));
        }

        @Override
        public boolean release(String key, String permitId, long now) {
            return call(b -> of(b).release(key, permitId, now));
        }

        @Override
        public long inUse(String key, long now) {
            return call(b -> of(b).inUse(key, now));
        }
    };
}
