package dev.hourglass.spring.session;

import dev.hourglass.Attributes;
import dev.hourglass.CorruptDataException;
import dev.hourglass.Merge;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;

/**
 * A session of {@link HourglassSessionRepository}: the attributes as stored, decoded on first read,
 * and the changes not yet saved. Not thread-safe (like every Spring session, one request's).
 */
public final class HourglassSession implements Session {

    private static final Object REMOVED = new Object();

    private final HourglassSessionRepository repository;
    private String id;
    private String storedId;
    private Attributes stored;
    private final Map<String, Object> decoded = new HashMap<>();
    private final Map<String, Object> changes = new LinkedHashMap<>();
    private final Instant creationTime;
    private Instant lastAccessedTime;
    private final Instant touchedAt;
    private Duration maxInactiveInterval;
    private boolean intervalChanged;
    private boolean isNew;

    private HourglassSession(
            HourglassSessionRepository repository,
            String id,
            Attributes stored,
            Instant created,
            Instant accessed,
            Duration maxInactive,
            boolean isNew) {
        this.repository = repository;
        this.id = id;
        this.storedId = isNew ? null : id;
        this.stored = stored;
        this.creationTime = created;
        this.lastAccessedTime = accessed;
        this.touchedAt = accessed;
        this.maxInactiveInterval = maxInactive;
        this.isNew = isNew;
    }

    static HourglassSession created(HourglassSessionRepository repository, String id, Instant now) {
        return new HourglassSession(
                repository, id, Attributes.empty(), now, now, repository.defaultMaxInactiveInterval(), true);
    }

    static HourglassSession loaded(HourglassSessionRepository repository, dev.hourglass.Session s) {
        Attributes a = s.attributes();
        long seconds = a.getLong(HourglassSessionRepository.MAX_INACTIVE, Long.MIN_VALUE);
        Duration interval =
                seconds == Long.MIN_VALUE ? repository.defaultMaxInactiveInterval() : Duration.ofSeconds(seconds);
        return new HourglassSession(repository, s.id(), a, s.createdAt(), s.lastAccessedAt(), interval, false);
    }

    @Override
    public String getId() {
        return id;
    }

    /** A new random id; the session moves to it at the next save. */
    @Override
    public String changeSessionId() {
        id = HourglassSessionRepository.newId();
        flushIfImmediate();
        return id;
    }

    /**
     * The attribute's value, or null.
     *
     * @throws CorruptDataException when its stored bytes do not decode
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T getAttribute(String name) {
        Object v = changes.get(name);
        if (v == null) {
            v = decoded(name);
            if (v != null && repository.saveMode() != SaveMode.ON_SET_ATTRIBUTE) {
                changes.put(name, v);
            }
        }
        return v == REMOVED ? null : (T) v;
    }

    private Object decoded(String name) {
        Object v = decoded.get(name);
        if (v == null) {
            byte[] b = stored.getBytes(HourglassSessionRepository.ATTRIBUTE_PREFIX + name);
            if (b != null) {
                try {
                    v = repository.serializer().deserialize(b);
                } catch (CorruptDataException e) {
                    throw new CorruptDataException(
                            "attribute '" + name + "' of session '" + id + "': " + e.getMessage(), e);
                }
                decoded.put(name, v);
            }
        }
        return v;
    }

    @Override
    public Set<String> getAttributeNames() {
        Set<String> names = HourglassSessionRepository.springNames(stored);
        changes.forEach((n, v) -> {
            if (v == REMOVED) {
                names.remove(n);
            } else {
                names.add(n);
            }
        });
        return names;
    }

    /**
     * Sets the attribute; a null value removes it.
     *
     * @throws IllegalArgumentException when {@code name} is null
     */
    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        changes.put(name, value);
        flushIfImmediate();
    }

    @Override
    public void removeAttribute(String name) {
        if (name == null) {
            return;
        }
        changes.put(name, REMOVED);
        flushIfImmediate();
    }

    @Override
    public Instant getCreationTime() {
        return creationTime;
    }

    @Override
    public void setLastAccessedTime(Instant lastAccessedTime) {
        this.lastAccessedTime = lastAccessedTime;
    }

    @Override
    public Instant getLastAccessedTime() {
        return lastAccessedTime;
    }

    @Override
    public void setMaxInactiveInterval(Duration interval) {
        if (interval != null && !interval.equals(maxInactiveInterval)) {
            maxInactiveInterval = interval;
            intervalChanged = true;
            flushIfImmediate();
        }
    }

    @Override
    public Duration getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public boolean isExpired() {
        return !maxInactiveInterval.isNegative()
                && !maxInactiveInterval.isZero()
                && !Instant.now().isBefore(lastAccessedTime.plus(maxInactiveInterval));
    }

    private void flushIfImmediate() {
        if (repository.flushMode() == FlushMode.IMMEDIATE) {
            saveTo(repository);
        }
    }

    /** Every current Spring attribute as a value, decoding what was never read. */
    private Map<String, Object> currentValues() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String n : HourglassSessionRepository.springNames(stored)) {
            all.put(n, decoded(n));
        }
        changes.forEach((n, v) -> {
            if (v == REMOVED) {
                all.remove(n);
            } else {
                all.put(n, v);
            }
        });
        return all;
    }

    private Attributes full() {
        Attributes a = Attributes.empty();
        Map<String, Object> values = currentValues();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            a = a.with(
                    HourglassSessionRepository.ATTRIBUTE_PREFIX + e.getKey(),
                    repository.serializer().serialize(e.getValue()));
        }
        String principal = HourglassSessionRepository.principalName(values);
        if (principal != null) {
            a = a.with(HourglassSessionRepository.PRINCIPAL, principal);
        }
        if (!maxInactiveInterval.equals(repository.defaultMaxInactiveInterval())) {
            a = a.with(HourglassSessionRepository.MAX_INACTIVE, maxInactiveInterval.toSeconds());
        }
        return a;
    }

    void saveTo(HourglassSessionRepository r) {
        Duration ttl = HourglassSessionRepository.ttl(maxInactiveInterval);
        Attributes next;
        if (isNew) {
            next = full();
            r.create(this, next, ttl);
        } else if (!id.equals(storedId)) {
            next = full();
            r.move(storedId, id, next, ttl);
        } else {
            Merge change = delta();
            boolean present = change == null || r.merge(id, change);
            if (present && (intervalChanged || lastAccessedTime.isAfter(touchedAt.plusSeconds(1)))) {
                r.touch(id, ttl);
            }
            next = change == null ? stored : stored.without(change.remove()).withAll(change.set());
        }
        changes.forEach((n, v) -> {
            if (v == REMOVED) {
                decoded.remove(n);
            } else {
                decoded.put(n, v);
            }
        });
        stored = next;
        changes.clear();
        intervalChanged = false;
        isNew = false;
        storedId = id;
    }

    /** The changes to write as one merge, or null when there are none. */
    private Merge delta() {
        Map<String, Object> write = new LinkedHashMap<>(changes);
        if (repository.saveMode() == SaveMode.ALWAYS) {
            for (String n : HourglassSessionRepository.springNames(stored)) {
                write.putIfAbsent(n, null);
            }
        }
        Attributes set = Attributes.empty();
        Set<String> remove = new LinkedHashSet<>();
        for (Map.Entry<String, Object> e : write.entrySet()) {
            String name = HourglassSessionRepository.ATTRIBUTE_PREFIX + e.getKey();
            Object v = e.getValue();
            if (v == REMOVED) {
                remove.add(name);
            } else if (v == null) {
                byte[] raw = stored.getBytes(name);
                if (raw != null) {
                    set = set.with(name, raw);
                }
            } else {
                set = set.with(name, repository.serializer().serialize(v));
            }
        }
        if (changes.containsKey(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME)
                || changes.containsKey(HourglassSessionRepository.SECURITY_CONTEXT)) {
            String principal = HourglassSessionRepository.principalName(currentValues());
            if (principal != null) {
                set = set.with(HourglassSessionRepository.PRINCIPAL, principal);
            } else {
                remove.add(HourglassSessionRepository.PRINCIPAL);
            }
        }
        if (intervalChanged) {
            if (maxInactiveInterval.equals(repository.defaultMaxInactiveInterval())) {
                remove.add(HourglassSessionRepository.MAX_INACTIVE);
            } else {
                set = set.with(HourglassSessionRepository.MAX_INACTIVE, maxInactiveInterval.toSeconds());
            }
        }
        if (set.isEmpty() && remove.isEmpty()) {
            return null;
        }
        return Merge.set(set).andRemove(remove);
    }
}
