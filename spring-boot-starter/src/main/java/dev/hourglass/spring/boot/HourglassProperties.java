package dev.hourglass.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;

/** The {@code hourglass.*} properties: which store to open, and the Spring Session repository over it. */
@ConfigurationProperties("hourglass")
public class HourglassProperties {

    /**
     * URI of the store: memory:, chronicle:DIR, redis://HOST:PORT, redis-cluster://..., jdbc:postgresql://...,
     * jdbc:mariadb://... Unset: the library's own configuration (the hourglass.store system property, the
     * HOURGLASS_STORE environment variable, hourglass.properties), else chronicle:./data. The kind alone,
     * jdbc, opens the store over the application's DataSource bean (which the store never closes) instead
     * of a pool of its own; options such as tablePrefix then come from a StoreOptionsCustomizer.
     */
    private String store;

    /** How long one call waits for the engine before it fails; unset: the library's default. */
    private Duration timeout;

    /** How often the expiry sweeper runs (it reports expired sessions); unset: the library's default. */
    private Duration sweepInterval;

    private final Session session = new Session();

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration getSweepInterval() {
        return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }

    public Session getSession() {
        return session;
    }

    /** The Spring Session repository. */
    public static class Session {

        /** Whether to register the Spring Session repository over the store. */
        private boolean enabled = true;

        /** Max inactive interval of new sessions; zero or negative: sessions never expire. */
        private Duration maxInactiveInterval = Duration.ofMinutes(30);

        /** When changes are written: at the end of the request (on-save) or at once (immediate). */
        private FlushMode flushMode = FlushMode.ON_SAVE;

        /** Which attributes a save writes: those set, those read too, or all. */
        private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

        /**
         * How attribute values are stored: json (types recorded beside values) or jdk (Java serialization).
         * Unset: jdk when Spring Security is on the class path (its security context and CSRF token have
         * no JSON form the default mapper reads back), json otherwise.
         */
        private Serializer serializer;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getMaxInactiveInterval() {
            return maxInactiveInterval;
        }

        public void setMaxInactiveInterval(Duration maxInactiveInterval) {
            this.maxInactiveInterval = maxInactiveInterval;
        }

        public FlushMode getFlushMode() {
            return flushMode;
        }

        public void setFlushMode(FlushMode flushMode) {
            this.flushMode = flushMode;
        }

        public SaveMode getSaveMode() {
            return saveMode;
        }

        public void setSaveMode(SaveMode saveMode) {
            this.saveMode = saveMode;
        }

        public Serializer getSerializer() {
            return serializer;
        }

        public void setSerializer(Serializer serializer) {
            this.serializer = serializer;
        }
    }

    /** The attribute serializers the starter can set up. */
    public enum Serializer {
        /** JSON through Jackson, each value's type recorded beside it. */
        JSON,
        /** Java serialization. */
        JDK
    }
}
