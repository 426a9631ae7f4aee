package dev.hourglass.memory;

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

final class MemoryBackend implements Backend {

    private final String describe;
    private final Limits limits;
    private final MemorySessions sessions;
    private final MemoryStreams streams;
    private final MemoryLimiters limiters = new MemoryLimiters();
    private final Sweeper sweeper;

    MemoryBackend(StoreConfig config) {
        config.requireKnown(Set.of("maxSessionBytes", "maxMessageBytes"));
        this.describe = config.redactedUri();
        this.limits = new Limits(
                config.longValue("maxSessionBytes", 1 << 20, 1, Integer.MAX_VALUE),
                config.longValue("maxMessageBytes", 1 << 20, 1, Integer.MAX_VALUE));
        this.sessions = new MemorySessions(config.expirySink());
        this.streams = new MemoryStreams();
        this.sweeper = config.newSweeper("memory", new SweepTask() {
            @Override
            public int sweep(long now, int batchSize) {
                int n = sessions.sweep(now, batchSize);
                n = n < batchSize ? n + streams.sweep(now, batchSize - n) : n;
                return n < batchSize ? n + limiters.sweep(now, batchSize - n) : n;
            }

            @Override
            public long backlog(long now) {
                return sessions.backlog(now) + streams.backlog(now) + limiters.backlog(now);
            }
        });
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.BLOCKING_READS_NOTIFIED);
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
        return Optional.of(LimiterStates.over(limiters));
    }

    @Override
    public Optional<Sweeper> sweeper() {
        return Optional.of(sweeper);
    }

    @Override
    public boolean ping() {
        return true;
    }

    @Override
    public void close() {
        sessions.clear();
        streams.clear();
        limiters.clear();
    }
}
