package dev.hourglass.redis;

import dev.hourglass.Capability;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Limits;
import dev.hourglass.Sweeper;
import dev.hourglass.spi.Backend;
import dev.hourglass.spi.LimiterBackend;
import dev.hourglass.spi.SessionChangeFeed;
import dev.hourglass.spi.StoreConfig;
import dev.hourglass.spi.StreamBackend;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Sessions and streams on one Redis deployment: standalone, Sentinel or Cluster. */
final class RedisBackend implements Backend {

    private static final String LAYOUT = "hourglass-layout=1;buckets=";

    private final String describe;
    private final Limits limits;
    private final Engine engine;
    private final RedisSessions sessions;
    private final RedisStreams streams;
    private final RedisLimiters limiters;
    private final RedisSweep sweep;
    private final Sweeper sweeper;
    private final RedisTracking tracking;

    RedisBackend(StoreConfig config, RedisSettings settings, io.lettuce.core.resource.ClientResources resources) {
        this.describe = StoreConfig.redact(config.uri());
        this.limits = new Limits(settings.maxSessionBytes(), settings.maxMessageBytes());
        Keys keys = new Keys(settings.prefix(), settings.buckets());
        this.engine = new Engine(settings, describe, resources);
        try {
            String layout = LAYOUT + settings.buckets();
            engine.loadScripts();
            String existing = engine.claimLayout(keys.layout(), layout);
            if (!existing.equals(layout)) {
                if (!existing.startsWith(LAYOUT)
                        || !existing.substring(LAYOUT.length()).matches("[0-9]{1,5}")) {
                    throw new CorruptDataException("redis store " + describe + ": the layout marker under prefix '"
                            + settings.prefix() + "' is not one this store writes");
                }
                throw new IllegalArgumentException("redis store " + describe + ": the data under prefix '"
                        + settings.prefix() + "' was written with "
                        + existing.substring(LAYOUT.length() - "buckets=".length())
                        + " but this store was opened with buckets=" + settings.buckets()
                        + "; open it with the same option 'buckets' or use another prefix");
            }
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        long grace = settings.expiryGrace().toMillis();
        this.sessions = new RedisSessions(engine, keys, grace);
        this.streams = new RedisStreams(engine, keys, grace);
        this.limiters = new RedisLimiters(engine, settings.prefix(), grace);
        long leaseMillis =
                Math.max(10_000, 3 * config.options().sweepTimeBudget().toMillis());
        this.sweep = new RedisSweep(engine, keys, config.expirySink(), leaseMillis);
        this.sweeper = config.newSweeper("redis", sweep);
        this.tracking = new RedisTracking(engine, settings.prefix(), describe);
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(
                Capability.NATIVE_TTL,
                Capability.CROSS_PROCESS,
                Capability.CROSS_NODE,
                Capability.BLOCKING_READS_NOTIFIED);
    }

    @Override
    public Limits limits() {
        return limits;
    }

    @Override
    public RedisSessions sessions() {
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
    public Optional<SessionChangeFeed> sessionChanges() {
        return Optional.of(tracking);
    }

    RedisSweep sweepTask() {
        return sweep;
    }

    Engine engine() {
        return engine;
    }

    @Override
    public boolean ping() {
        return engine.ping();
    }

    @Override
    public void close() {
        streams.close();
        engine.close();
    }
}
