package dev.hourglass;

import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionIndex;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
    private final Calls calls;
    private final Limits limits;
    private final Cursors cursors;

    DefaultSessions(DefaultStore store, SessionBackend backend, Calls calls, Limits limits, Cursors cursors) {
        this.store = store;
        this.backend = backend;
        this.calls = calls;
        this.limits = limits;
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
        return Optional.ofNullable(
                calls.run(Op.GET, backend, id, null, null, 0L, null, (b, i, x, z, n, now, expiry) -> b.get(i, now)));
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
        return calls.run(
                Op.GET_ALL, backend, ids, null, null, 0L, null, (b, i, x, z, n, now, expiry) -> b.getAll(i, now));
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
        calls.run(Op.PUT_ALL, backend, batch, null, null, 0L, ttl, (b, m, x, z, n, now, expiry) -> {
            b.putAll(m, now, expiry);
            return null;
        });
    }

    @Override
    public Session create(Attributes attributes, Duration ttl) {
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        return calls.run(
                Op.CREATE,
                this,
                attributes,
                ttl,
                null,
                0L,
                ttl,
                (s, a, d, z, n, now, expiry) -> s.createUnderNewId(a, d, now, expiry));
    }

    private Session createUnderNewId(Attributes attributes, Duration ttl, long now, long expiry) {
        Session s = backend.createIfAbsent(newId(), attributes, now, expiry);
        while (s == null) {
            long later = calls.clock().millis();
            s = backend.createIfAbsent(newId(), attributes, later, Checks.expiry(later, ttl));
        }
        return s;
    }

    @Override
    public Session put(String id, Attributes attributes, Duration ttl) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        return calls.run(
                Op.PUT,
                backend,
                id,
                attributes,
                null,
                0L,
                ttl,
                (b, i, a, z, n, now, expiry) -> b.put(i, a, now, expiry));
    }

    @Override
    public Optional<Session> createIfAbsent(String id, Attributes attributes, Duration ttl) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        Checks.ttl(ttl);
        return Optional.ofNullable(calls.run(
                Op.CREATE_IF_ABSENT,
                backend,
                id,
                attributes,
                null,
                0L,
                ttl,
                (b, i, a, z, n, now, expiry) -> b.createIfAbsent(i, a, now, expiry)));
    }

    @Override
    public Optional<Session> merge(String id, Attributes set) {
        Checks.id(id);
        Checks.attributes("set", set, limits);
        return merged(id, set, Set.of());
    }

    @Override
    public Optional<Session> merge(String id, Merge change) {
        Checks.id(id);
        Checks.merge(change, limits);
        return merged(id, change.set(), change.remove());
    }

    private Optional<Session> merged(String id, Attributes set, Set<String> remove) {
        return Optional.ofNullable(calls.run(
                Op.MERGE, backend, id, set, remove, 0L, null, (b, i, a, r, n, now, expiry) -> b.merge(i, a, r, now)));
    }

    @Override
    public Optional<Session> merge(String id, Merge change, long expectedVersion) {
        Checks.id(id);
        Checks.merge(change, limits);
        return Optional.ofNullable(calls.run(
                Op.MERGE,
                this,
                id,
                change,
                null,
                expectedVersion,
                null,
                (s, i, c, z, version, now, expiry) -> s.mergeAt(i, c, version, now)));
    }

    /** One compare-and-set at {@code version} of the change applied to what that version holds. */
    private Session mergeAt(String id, Merge change, long version, long now) {
        Session current = backend.get(id, now);
        if (current == null || current.version() != version) {
            return null;
        }
        Attributes next = change.applyTo(current.attributes());
        Checks.attributes("the session after the change", next, limits);
        return backend.compareAndSet(id, version, next, now);
    }

    @Override
    public Optional<Session> replace(String id, Attributes attributes) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        return Optional.ofNullable(calls.run(
                Op.REPLACE,
                this,
                id,
                attributes,
                null,
                0L,
                null,
                (s, i, a, z, n, now, expiry) -> s.updateWithRetries(i, current -> a)));
    }

    @Override
    public boolean touch(String id, Duration ttl) {
        Checks.id(id);
        Checks.ttl(ttl);
        return calls.run(
                Op.TOUCH, backend, id, null, null, 0L, ttl, (b, i, x, z, n, now, expiry) -> b.touch(i, now, expiry));
    }

    @Override
    public Optional<Session> getAndTouch(String id, Duration ttl) {
        Checks.id(id);
        Checks.ttl(ttl);
        return Optional.ofNullable(calls.run(
                Op.GET_AND_TOUCH,
                backend,
                id,
                null,
                null,
                0L,
                ttl,
                (b, i, x, z, n, now, expiry) -> b.getAndTouch(i, now, expiry)));
    }

    @Override
    public boolean delete(String id) {
        Checks.id(id);
        return calls.run(
                Op.DELETE, backend, id, null, null, 0L, null, (b, i, x, z, n, now, expiry) -> b.delete(i, now));
    }

    @Override
    public Optional<Session> compareAndSet(String id, long expectedVersion, Attributes attributes) {
        Checks.id(id);
        Checks.attributes("attributes", attributes, limits);
        return Optional.ofNullable(calls.run(
                Op.COMPARE_AND_SET,
                backend,
                id,
                attributes,
                null,
                expectedVersion,
                null,
                (b, i, a, z, version, now, expiry) -> b.compareAndSet(i, version, a, now)));
    }

    @Override
    public Optional<Session> update(String id, UnaryOperator<Attributes> change) {
        Checks.id(id);
        if (change == null) {
            throw new IllegalArgumentException("change must not be null");
        }
        return Optional.ofNullable(calls.run(
                Op.UPDATE,
                this,
                id,
                change,
                null,
                0L,
                null,
                (s, i, c, z, n, now, expiry) -> s.updateWithRetries(i, c)));
    }

    private Session updateWithRetries(String id, UnaryOperator<Attributes> change) {
        Clock clock = calls.clock();
        for (int attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
            Session current = backend.get(id, clock.millis());
            if (current == null) {
                return null;
            }
            Attributes next = change.apply(current.attributes());
            Checks.attributes("the result of change", next, limits);
            Session updated = backend.compareAndSet(id, current.version(), next, clock.millis());
            if (updated != null) {
                return updated;
            }
            if (attempt > 2) {
                Thread.onSpinWait();
            }
        }
        throw new StoreException("update of session '" + id + "' lost the compare-and-set race " + MAX_UPDATE_ATTEMPTS
                + " times in a row; use merge for contended attributes");
    }

    @Override
    public Page<String> ids(int limit) {
        Checks.limit(limit);
        return calls.run(
                Op.IDS,
                this,
                (String) null,
                null,
                null,
                limit,
                null,
                (s, a, x, z, n, now, expiry) -> s.page(a, (int) n, now));
    }

    @Override
    public Page<String> ids(String cursor, int limit) {
        if (cursor == null) {
            throw new IllegalArgumentException("cursor must not be null; ids(limit) gives the first page");
        }
        Checks.limit(limit);
        String after = cursors.open(cursor);
        return calls.run(
                Op.IDS, this, after, null, null, limit, null, (s, a, x, z, n, now, expiry) -> s.page(a, (int) n, now));
    }

    private Page<String> page(String after, int limit, long now) {
        Page<String> page = backend.ids(after, limit, now);
        return new Page<>(page.items(), page.next().map(cursors::seal));
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
                    Page<String> p = cursor == null ? ids(PAGE) : ids(cursor, PAGE);
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
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        it, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
                false);
    }

    @Override
    public long count() {
        return calls.runLong(
                Op.COUNT, backend, null, null, null, 0L, null, (b, x, y, z, n, now, expiry) -> b.count(now));
    }

    @Override
    public Map<String, Session> findByIndex(String index, String value) {
        String name = SessionIndex.attribute(index);
        byte[] bytes = SessionIndex.value(value);
        return calls.run(
                Op.FIND_BY_INDEX,
                backend,
                name,
                bytes,
                null,
                0L,
                null,
                (b, n, v, z, x, now, expiry) -> b.findByIndex(n, v, MAX_INDEX_MATCHES, now));
    }

    @Override
    public ExpiryRegistration onExpiry(ExpiryListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        return store.addExpiryListener(listener);
    }
}
