package dev.hourglass.spring.session;

import dev.hourglass.Attributes;
import dev.hourglass.ExpiryRegistration;
import dev.hourglass.Merge;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * Spring Session's repository over any Hourglass store (memory, chronicle, redis, jdbc).
 *
 * <ul>
 *   <li>A save writes only what changed (per {@link SaveMode}) as one atomic {@link Sessions#merge}:
 *       attributes set by concurrent requests of one session are never lost, whatever the save mode.
 *   <li>{@link #findById} is one get-and-touch: reading a session extends its life.
 *   <li>{@link #findByPrincipalName} uses the store's session index ({@code index:principal}), which
 *       never lists an expired session.
 *   <li>{@link SessionCreatedEvent}, {@link SessionDeletedEvent} and {@link SessionExpiredEvent} are
 *       published as application events; expiry comes from the store's expiry listeners (its
 *       sweeper), so it is reported on every backend.
 * </ul>
 *
 * <p>Each Spring attribute is stored as the bytes attribute {@code s:<name>}, written by the
 * {@link AttributeSerializer} (JSON by default); the principal name as {@code index:principal}; a
 * max inactive interval other than the default as {@code m:maxInactive} (seconds). Thread-safe;
 * {@link #close} removes the expiry listener.
 */
public final class HourglassSessionRepository
        implements FindByIndexNameSessionRepository<HourglassSession>, AutoCloseable {

    static final String ATTRIBUTE_PREFIX = "s:";
    static final String MAX_INACTIVE = "m:maxInactive";
    static final String PRINCIPAL_INDEX = "principal";
    static final String PRINCIPAL = Sessions.INDEX_PREFIX + PRINCIPAL_INDEX;
    static final String SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder IDS = Base64.getUrlEncoder().withoutPadding();

    private final Store store;
    private final Sessions sessions;
    private final Duration defaultMaxInactiveInterval;
    private final FlushMode flushMode;
    private final SaveMode saveMode;
    private final AttributeSerializer serializer;
    private final ApplicationEventPublisher publisher;
    private final ExpiryRegistration expiry;

    private HourglassSessionRepository(Builder b) {
        this.store = b.store;
        this.sessions = b.store.sessions();
        this.defaultMaxInactiveInterval = b.maxInactiveInterval;
        this.flushMode = b.flushMode;
        this.saveMode = b.saveMode;
        this.serializer = b.serializer;
        this.publisher = b.publisher;
        this.expiry = publisher == null
                ? null
                : sessions.onExpiry(id -> publisher.publishEvent(new SessionExpiredEvent(this, new MapSession(id))));
    }

    /**
     * A builder over {@code store}: 30 minutes of inactivity, {@link FlushMode#ON_SAVE},
     * {@link SaveMode#ON_SET_ATTRIBUTE}, JSON values, no events.
     *
     * @throws IllegalArgumentException when {@code store} is null
     */
    public static Builder builder(Store store) {
        if (store == null) {
            throw new IllegalArgumentException("store must not be null");
        }
        return new Builder(store);
    }

    /** Options of a repository; every setter checks its argument. */
    public static final class Builder {
        private final Store store;
        private Duration maxInactiveInterval = Duration.ofMinutes(30);
        private FlushMode flushMode = FlushMode.ON_SAVE;
        private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
        private AttributeSerializer serializer = AttributeSerializer.json();
        private ApplicationEventPublisher publisher;

        private Builder(Store store) {
            this.store = store;
        }

        /**
         * The max inactive interval of new sessions; zero or negative: never expire (the store's longest TTL).
         *
         * @throws IllegalArgumentException when {@code interval} is null
         */
        public Builder maxInactiveInterval(Duration interval) {
            if (interval == null) {
                throw new IllegalArgumentException("maxInactiveInterval must not be null");
            }
            this.maxInactiveInterval = interval;
            return this;
        }

        /**
         * When changes are written: at save, or at once.
         *
         * @throws IllegalArgumentException when {@code mode} is null
         */
        public Builder flushMode(FlushMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("flushMode must not be null");
            }
            this.flushMode = mode;
            return this;
        }

        /**
         * Which attributes a save writes.
         *
         * @throws IllegalArgumentException when {@code mode} is null
         */
        public Builder saveMode(SaveMode mode) {
            if (mode == null) {
                throw new IllegalArgumentException("saveMode must not be null");
            }
            this.saveMode = mode;
            return this;
        }

        /**
         * How attribute values are stored.
         *
         * @throws IllegalArgumentException when {@code serializer} is null
         */
        public Builder serializer(AttributeSerializer serializer) {
            if (serializer == null) {
                throw new IllegalArgumentException("serializer must not be null");
            }
            this.serializer = serializer;
            return this;
        }

        /**
         * Where session events go; null: none are published.
         *
         * @throws IllegalArgumentException never; null is allowed
         */
        public Builder eventPublisher(ApplicationEventPublisher publisher) {
            this.publisher = publisher;
            return this;
        }

        /**
         * The repository; with a publisher, it listens for the store's expiries until closed.
         *
         * @throws IllegalStateException when the store is closed
         */
        public HourglassSessionRepository build() {
            return new HourglassSessionRepository(this);
        }
    }

    FlushMode flushMode() {
        return flushMode;
    }

    SaveMode saveMode() {
        return saveMode;
    }

    AttributeSerializer serializer() {
        return serializer;
    }

    Duration defaultMaxInactiveInterval() {
        return defaultMaxInactiveInterval;
    }

    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return IDS.encodeToString(b);
    }

    /** The store's TTL for an interval: the interval, or the longest TTL when it is not positive or longer. */
    static Duration ttl(Duration maxInactive) {
        return maxInactive.isNegative() || maxInactive.isZero() || maxInactive.compareTo(Sessions.MAX_TTL) > 0
                ? Sessions.MAX_TTL
                : maxInactive;
    }

    /**
     * A new session, not stored until {@link #save} (at once with {@link FlushMode#IMMEDIATE}).
     *
     * @throws dev.hourglass.StoreUnavailableException with {@link FlushMode#IMMEDIATE}, when the engine does not answer
     */
    @Override
    public HourglassSession createSession() {
        HourglassSession s = HourglassSession.created(this, newId(), Instant.now());
        if (flushMode == FlushMode.IMMEDIATE) {
            save(s);
        }
        return s;
    }

    /**
     * Writes what changed: a new session is created, a session whose id changed is moved, an
     * existing one gets one merge of its changed attributes (and a touch when its interval or last
     * access moved on). A session deleted meanwhile is not brought back.
     *
     * @throws IllegalArgumentException when {@code session} is null or an attribute cannot be serialised
     * @throws dev.hourglass.StoreUnavailableException when the engine does not answer within the timeout
     */
    @Override
    public void save(HourglassSession session) {
        if (session == null) {
            throw new IllegalArgumentException("session must not be null");
        }
        session.saveTo(this);
    }

    void create(HourglassSession s, Attributes all, Duration ttl) {
        Optional<dev.hourglass.Session> created = sessions.createIfAbsent(s.getId(), all, ttl);
        if (created.isEmpty()) {
            sessions.put(s.getId(), all, ttl);
        }
        if (publisher != null) {
            publisher.publishEvent(new SessionCreatedEvent(this, s));
        }
    }

    void move(String from, String to, Attributes all, Duration ttl) {
        sessions.put(to, all, ttl);
        sessions.delete(from);
    }

    boolean merge(String id, Merge change) {
        return sessions.merge(id, change).isPresent();
    }

    void touch(String id, Duration ttl) {
        sessions.touch(id, ttl);
    }

    /**
     * The live session, touched (one get-and-touch), or null when absent, expired or not an id this
     * store could hold.
     *
     * @throws dev.hourglass.StoreUnavailableException when the engine does not answer within the timeout
     * @throws dev.hourglass.CorruptDataException when the stored session does not decode
     */
    @Override
    public HourglassSession findById(String id) {
        Optional<dev.hourglass.Session> found;
        try {
            found = sessions.getAndTouch(id, ttl(defaultMaxInactiveInterval));
        } catch (IllegalArgumentException notAnId) {
            return null;
        }
        if (found.isEmpty()) {
            return null;
        }
        HourglassSession s = HourglassSession.loaded(this, found.get());
        if (!s.getMaxInactiveInterval().equals(defaultMaxInactiveInterval)) {
            sessions.touch(id, ttl(s.getMaxInactiveInterval()));
        }
        return s;
    }

    /**
     * Deletes the session and publishes {@link SessionDeletedEvent} when there was one.
     *
     * @throws dev.hourglass.StoreUnavailableException when the engine does not answer within the timeout
     */
    @Override
    public void deleteById(String id) {
        Optional<dev.hourglass.Session> found;
        try {
            found = sessions.get(id);
        } catch (IllegalArgumentException notAnId) {
            return;
        }
        if (sessions.delete(id) && publisher != null) {
            publisher.publishEvent(new SessionDeletedEvent(
                    this,
                    found.<org.springframework.session.Session>map(f -> HourglassSession.loaded(this, f))
                            .orElseGet(() -> new MapSession(id))));
        }
    }

    /**
     * The live sessions of a principal (index {@link #PRINCIPAL_NAME_INDEX_NAME}), keyed by id; empty
     * for any other index name.
     *
     * @throws IllegalArgumentException when {@code indexName} is null
     * @throws dev.hourglass.StoreUnavailableException when the engine does not answer within the timeout
     */
    @Override
    public Map<String, HourglassSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        if (indexName == null) {
            throw new IllegalArgumentException("indexName must not be null");
        }
        if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
            return Map.of();
        }
        Map<String, HourglassSession> out = new LinkedHashMap<>();
        sessions.findByIndex(PRINCIPAL_INDEX, indexValue)
                .forEach((id, s) -> out.put(id, HourglassSession.loaded(this, s)));
        return out;
    }

    /** The principal name a session's attributes name: the index attribute, else the security context's. */
    static String principalName(Map<String, Object> values) {
        Object explicit = values.get(PRINCIPAL_NAME_INDEX_NAME);
        if (explicit != null) {
            return explicit.toString();
        }
        Object context = values.get(SECURITY_CONTEXT);
        return context == null ? null : SecurityContexts.name(context);
    }

    static Set<String> springNames(Attributes stored) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : stored.names()) {
            if (n.startsWith(ATTRIBUTE_PREFIX)) {
                names.add(n.substring(ATTRIBUTE_PREFIX.length()));
            }
        }
        return names;
    }

    /** Removes the expiry listener; the store stays open (its owner closes it). */
    @Override
    public void close() {
        if (expiry != null) {
            expiry.close();
        }
    }
}
