package dev.hourglass.chronicle;

import dev.hourglass.Capability;
import dev.hourglass.Limits;
import dev.hourglass.Sweeper;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.LimiterStates;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StreamBackend;
import dev.hourglass.spi.SweepTask;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/** A store on a {@link StoreDirectory}: sessions, streams, the sweeper and the fill gauges. */
final class ChronicleBackend implements Backend {

    private static final int RELIEF_BATCH = 1_000;

    private final String describe;
    private final StoreDirectory d;
    private final Capacity sessionCapacity;
    private final Capacity streamCapacity;
    private final Capacity messageCapacity;
    private final ChronicleSessions sessions;
    private final ChronicleStreams streams;
    private final ChronicleLimiters limiterCells;
    private final LimiterBackend limiters;
    private final Sweeper sweeper;
    private final Limits limits;
    private final AutoCloseable gauges;
    private final AtomicBoolean closed = new AtomicBoolean();

    ChronicleBackend(StoreConfig config, ChronicleSettings settings) {
        this.describe = config.redactedUri();
        this.d = StoreDirectory.acquire(settings, config.clock());
        try {
            String dir = d.dir.toString();
            this.sessionCapacity = new Capacity(d.sessions, d.layout.maxSessions(), "sessions", "maxSessions", dir);
            this.streamCapacity = new Capacity(d.streams, d.layout.maxStreams(), "streams", "maxStreams", dir);
            this.messageCapacity =
                    new Capacity(d.messages, d.layout.maxMessages(), "stream messages", "maxMessages", dir);
            this.sessions = new ChronicleSessions(d, sessionCapacity, config.expirySink(), this::relieve);
            this.streams = new ChronicleStreams(d, streamCapacity, messageCapacity, this::relieve);
            this.limiterCells = new ChronicleLimiters(d, this::relieve);
            this.limiters = LimiterStates.over(limiterCells);
            this.limits = new Limits(d.layout.maxSessionBytes(), d.layout.maxMessageBytes());
            StoreConfig sweepConfig = settings.sweepInterval() == null
                    ? config
                    : config.withOptions(config.options().toBuilder()
                            .sweepInterval(settings.sweepInterval())
                            .build());
            this.sweeper = sweepConfig.newSweeper("chronicle", new SweepTask() {
                @Override
                public int sweep(long now, int batchSize) {
                    return Math.max(0, sweepBatch(now, batchSize));
                }

                @Override
                public long backlog(long now) {
                    return d.expiry.backlog(now);
                }
            });
            this.gauges = config.options().meterRegistry().isPresent()
                    ? ChronicleGauges.register(config.options().meterRegistry().get(), this)
                    : () -> {};
        } catch (RuntimeException | Error e) {
            d.release();
            throw e;
        }
    }

    /** Removes up to {@code limit} due entries; -1 when another thread or process is sweeping. */
    private int sweepBatch(long now, int limit) {
        return d.sweepExclusively(() -> d.expiry.drain(
                now,
                limit,
                (type, id) -> type == ExpiryLog.SESSION
                        ? sessions.sweep(id, now)
                        : type == ExpiryLog.LIMITER ? limiterCells.sweep(id, now) : streams.sweep(id, now)));
    }

    /** A full store sweeps what has expired before it refuses a write. */
    private int relieve(long now) {
        return sweepBatch(now, RELIEF_BATCH);
    }

    Capacity sessionCapacity() {
        return sessionCapacity;
    }

    Capacity streamCapacity() {
        return streamCapacity;
    }

    Capacity messageCapacity() {
        return messageCapacity;
    }

    StoreDirectory directory() {
        return d;
    }

    @Override
    public String name() {
        return "chronicle";
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.PERSISTENT, Capability.CROSS_PROCESS);
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
        return !closed.get() && d.isOpen();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                gauges.close();
            } catch (Exception e) {
                // the registry keeps a gauge that reads NaN
            }
            d.release();
        }
    }
}
