package dev.hourglass;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable options for opening a store, beside its URI: the clock, the operation timeout, the
 * sweeper's schedule and bounds, an optional Micrometer registry, and backend properties that
 * override the URI's query parameters. Build with {@link #builder()}; {@link #defaults()} suits
 * most services.
 */
public final class StoreOptions {

    private static final StoreOptions DEFAULTS = builder().build();

    private final Clock clock;
    private final Duration timeout;
    private final Duration sweepInterval;
    private final int sweepBatchSize;
    private final Duration sweepTimeBudget;
    private final boolean sweeperAutoStart;
    private final Object meterRegistry;
    private final Map<String, String> properties;

    private StoreOptions(Builder b) {
        this.clock = b.clock;
        this.timeout = b.timeout;
        this.sweepInterval = b.sweepInterval;
        this.sweepBatchSize = b.sweepBatchSize;
        this.sweepTimeBudget = b.sweepTimeBudget;
        this.sweeperAutoStart = b.sweeperAutoStart;
        this.meterRegistry = b.meterRegistry;
        this.properties = Map.copyOf(b.properties);
    }

    public static StoreOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.clock = clock;
        b.timeout = timeout;
        b.sweepInterval = sweepInterval;
        b.sweepBatchSize = sweepBatchSize;
        b.sweepTimeBudget = sweepTimeBudget;
        b.sweeperAutoStart = sweeperAutoStart;
        b.meterRegistry = meterRegistry;
        b.properties.putAll(properties);
        return b;
    }

    /** Source of "now" for every expiry decision. Default: the system UTC clock. */
    public Clock clock() {
        return clock;
    }

    /** How long one call may wait for the engine before failing as unavailable. Default 2 s. */
    public Duration timeout() {
        return timeout;
    }

    /** Time between sweeper runs. Default 10 s. */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    /** The most expired entries one sweeper batch removes. Default 1,000. */
    public int sweepBatchSize() {
        return sweepBatchSize;
    }

    /** The most time one sweeper run may take before yielding to the next interval. Default 200 ms. */
    public Duration sweepTimeBudget() {
        return sweepTimeBudget;
    }

    /** Whether the sweeper starts with the store. Default true; tests drive it with runNow(). */
    public boolean sweeperAutoStart() {
        return sweeperAutoStart;
    }

    /** A {@code io.micrometer.core.instrument.MeterRegistry}, when metrics are wanted. */
    public Optional<Object> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /** Backend properties; they override query parameters of the same name in the URI. */
    public Map<String, String> properties() {
        return properties;
    }

    /** Builder of {@link StoreOptions}; every setter validates its argument. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private Duration timeout = Duration.ofSeconds(2);
        private Duration sweepInterval = Duration.ofSeconds(10);
        private int sweepBatchSize = 1_000;
        private Duration sweepTimeBudget = Duration.ofMillis(200);
        private boolean sweeperAutoStart = true;
        private Object meterRegistry;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {}

        /**
         * The source of "now" for every expiry decision.
         *
         * @return this builder
         * @throws NullPointerException when {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long one call may wait for the engine.
         *
         * @return this builder
         * @throws IllegalArgumentException naming {@code timeout} unless it is positive and at most 10 minutes
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout, Duration.ofMinutes(10));
            return this;
        }

        /**
         * The time between sweeper runs.
         *
         * @return this builder
         * @throws IllegalArgumentException naming {@code sweepInterval} unless it is positive and at most a day
         */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = positive("sweepInterval", interval, Duration.ofDays(1));
            return this;
        }

        /**
         * The most expired entries one sweeper batch removes.
         *
         * @return this builder
         * @throws IllegalArgumentException naming {@code sweepBatchSize} unless it is 1..1,000,000
         */
        public Builder sweepBatchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 1_000_000) {
                throw new IllegalArgumentException("sweepBatchSize must be 1..1000000, was " + batchSize);
            }
            this.sweepBatchSize = batchSize;
            return this;
        }

        /**
         * The most time one sweeper run may take.
         *
         * @return this builder
         * @throws IllegalArgumentException naming {@code sweepTimeBudget} unless it is positive and at most 10 minutes
         */
        public Builder sweepTimeBudget(Duration budget) {
            this.sweepTimeBudget = positive("sweepTimeBudget", budget, Duration.ofMinutes(10));
            return this;
        }

        public Builder sweeperAutoStart(boolean autoStart) {
            this.sweeperAutoStart = autoStart;
            return this;
        }

        /**
         * A Micrometer registry the store's timers, counters and gauges are bound to. Micrometer is
         * needed at run time only by callers of this method.
         *
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        /**
         * A Micrometer {@code MeterRegistry} typed as Object, for code compiled without Micrometer.
         *
         * @return this builder
         * @throws IllegalArgumentException naming {@code meterRegistry} when {@code registry} is not
         *                                  null and not a {@code MeterRegistry}
         */
        public Builder meterRegistry(Object registry) {
            if (registry != null && !MetricsSupport.isMeterRegistry(registry)) {
                throw new IllegalArgumentException(
                        "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry, was "
                                + registry.getClass().getName());
            }
            this.meterRegistry = registry;
            return this;
        }

        /**
         * A backend property; it overrides the URI's query parameter of the same name.
         *
         * @return this builder
         * @throws IllegalArgumentException when {@code name} is blank or {@code value} is null
         */
        public Builder property(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("property name must not be blank, was '" + name + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException("property '" + name + "' must not have a null value");
            }
            properties.put(name, value);
            return this;
        }

        public StoreOptions build() {
            return new StoreOptions(this);
        }

        private static Duration positive(String name, Duration d, Duration max) {
            if (d == null || d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be positive and at most " + max + ", was " + d);
            }
            return d;
        }
    }
}
