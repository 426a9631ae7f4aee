package dev.hourglass;

import dev.hourglass.spi.SessionBackend;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Validation, clock and metrics in front of a {@link SessionBackend}. */
final class DefaultSessions implements Sessions {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int PAGE = 1_000;
    private static final int MAX_UPDATE_ATTEMPTS = 10_000;

    private final DefaultStore store;
    private final SessionBackend backend;
    private final Clock clock;
    private final Limits limits;
    private final Metrics metrics;
    private final Cursors cursors;

    DefaultSessions(DefaultStore store, SessionBackend backend, Clock clock, Limits limits, Metrics metrics,
                    Cursors cursors) {
        this.store = store;
        this.backend = backend;
        this.clock = clock;
        this.limits = limits;
        this.metrics = metrics;
        this.cursors = cursors;
    }

    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return ID_ENCODER.encodeToString(b);
    }

    @Override
    public Optional<Session> get(String id) {
        Checks.id(id);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return Optional.ofNullable(backend.get(id, clock.millis()));
        } catch (RuntimeException e) {
            metrics.error(Op.GET, e);
            throw e;
        } finally {
            metrics.stop(Op.GET, t);
        }
    }

    @Override
    public Map<String, Session> getAll(Collection<String> ids) {
        if (ids == null) {
            throw new IllegalArgumentException("ids must not be null");
        }
        Checks.batch("ids", ids.size());
        for (String id : ids) {
            Checks.id(id);
        }
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.getAll(ids, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.GET_ALL, e);
            throw e;
        } finally {
            metrics.stop(Op.GET_ALL, t);
        }
    }

    @Override
    public void putAll(Map<String, Attributes> batch, Duration ttl) {
        if (batch == null) {
            throw new IllegalArgumentException("sessions must not be null");
        }
        Checks.batch("sessions", batch.size());
        batch.forEach((id, attributes) -> {
            Checks.id(id);
            Checks.attributes("attributes of '" + id + "'", attributes, limits);
        });
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            backend.putAll(batch, now, Checks.expiry(now, ttl));
        } catch (RuntimeException e) {
            metrics.error(Op.PUT_ALL, e);
            throw e;
        } finally {
            metrics.stop(Op.PUT_ALL, t);
        }
    }

    @Override
    public Session create(Attributes attributes, Duration ttl) {
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            while (true) {
                long now = clock.millis();
                Session s = backend.createIfAbsent(newId(), attributes, now, Checks.expiry(now, ttl));
                if (s != null) {
                    return s;
                }
            }
        } catch (RuntimeException e) {
            metrics.error(Op.CREATE, e);
            throw e;
        } finally {
            metrics.stop(Op.CREATE, t);
        }
    }

    @Override
    public Session put(String id, Attributes attributes, Duration ttl) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            return backend.put(id, attributes, now, Checks.expiry(now, ttl));
        } catch (RuntimeException e) {
            metrics.error(Op.PUT, e);
            throw e;
        } finally {
            metrics.stop(Op.PUT, t);
        }
    }

    @Override
    public Optional<Session> createIfAbsent(String id, Attributes attributes, Duration ttl) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            return Optional.ofNullable(backend.createIfAbsent(id, attributes, now, Checks.expiry(now, ttl)));
        } catch (RuntimeException e) {
            metrics.error(Op.CREATE_IF_ABSENT, e);
            throw e;
        } finally {
            metrics.stop(Op.CREATE_IF_ABSENT, t);
        }
    }

    @Override
    public Optional<Session> merge(String id, Attributes set, Set<String> remove) {
        Checks.id(id);
        Checks.attributes("set", set, limits);
        Checks.names("remove", remove);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return Optional.ofNullable(backend.merge(id, set, remove, clock.millis()));
        } catch (RuntimeException e) {
            metrics.error(Op.MERGE, e);
            throw e;
        } finally {
            metrics.stop(Op.MERGE, t);
        }
    }

    @Override
    public boolean touch(String id, Duration ttl) {
        Checks.id(id);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            return backend.touch(id, now, Checks.expiry(now, ttl));
        } catch (RuntimeException e) {
            metrics.error(Op.TOUCH, e);
            throw e;
        } finally {
            metrics.stop(Op.TOUCH, t);
        }
    }

    @Override
    public Optional<Session> getAndTouch(String id, Duration ttl) {
        Checks.id(id);
        Checks.ttl(ttl);
        store.ensureOpen();
        long t = metrics.start();
        try {
            long now = clock.millis();
            return Optional.ofNullable(backend.getAndTouch(id, now, Checks.expiry(now, ttl)));
        } catch (RuntimeException e) {
            metrics.error(Op.GET_AND_TOUCH, e);
            throw e;
        } finally {
            metrics.stop(Op.GET_AND_TOUCH, t);
        }
    }

    @Override
    public boolean delete(String id) {
        Checks.id(id);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.delete(id, clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.DELETE, e);
            throw e;
        } finally {
            metrics.stop(Op.DELETE, t);
        }
    }

    @Override
    public Optional<Session> compareAndSet(String id, long expectedVersion, Attributes attributes) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        store.ensureOpen();
        long t = metrics.start();
        try {
            return Optional.ofNullable(backend.compareAndSet(id, expectedVersion, attributes, clock.millis()));
        } catch (RuntimeException e) {
            metrics.error(Op.COMPARE_AND_SET, e);
            throw e;
        } finally {
            metrics.stop(Op.COMPARE_AND_SET, t);
        }
    }

    @Override
    public Optional<Session> update(String id, UnaryOperator<Attributes> change) {
        Checks.id(id);
        if (change == null) {
            throw new IllegalArgumentException("change must not be null");
        }
        store.ensureOpen();
        long t = metrics.start();
        try {
            for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
                Session current = backend.get(id, clock.millis());
                if (current == null) {
                    return Optional.empty();
                }
                Attributes next = change.apply(current.attributes());
                Checks.attributes("the result of change", next, limits);
                Session updated = backend.compareAndSet(id, current.version(), next, clock.millis());
                if (updated != null) {
                    return Optional.of(updated);
                }
                if (attempt > 2) {
                    Thread.onSpinWait();
                }
            }
            throw new StoreException("update of session '" + id + "' lost the compare-and-set race "
                    + MAX_UPDATE_ATTEMPTS + " times in a row; use merge for contended attributes");
        } catch (RuntimeException e) {
            metrics.error(Op.UPDATE, e);
            throw e;
        } finally {
            metrics.stop(Op.UPDATE, t);
        }
    }

    @Override
    public Page<String> ids(String cursor, int limit) {
        Checks.limit(limit);
        String after = cursor == null ? null : cursors.open(cursor);
        store.ensureOpen();
        long t = metrics.start();
        try {
            Page<String> page = backend.ids(after, limit, clock.millis());
            return new Page<>(page.items(), page.next().map(cursors::seal));
        } catch (RuntimeException e) {
            metrics.error(Op.IDS, e);
            throw e;
        } finally {
            metrics.stop(Op.IDS, t);
        }
    }

    @Override
    public Stream<String> ids() {
        store.ensureOpen();
        Iterator<String> it = new Iterator<>() {
            private Iterator<String> page = List.<String>of().iterator();
            private String cursor;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (!page.hasNext()) {
                    if (last) {
                        return false;
                    }
                    Page<String> p = ids(cursor, PAGE);
                    page = p.items().iterator();
                    cursor = p.next().orElse(null);
                    last = cursor == null;
                }
                return true;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT), false);
    }

    @Override
    public long count() {
        store.ensureOpen();
        long t = metrics.start();
        try {
            return backend.count(clock.millis());
        } catch (RuntimeException e) {
            metrics.error(Op.COUNT, e);
            throw e;
        } finally {
            metrics.stop(Op.COUNT, t);
        }
    }

    @Override
    public AutoCloseable onExpiry(ExpiryListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        return store.addExpiryListener(listener);
    }
}
