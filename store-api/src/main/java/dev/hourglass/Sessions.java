package dev.hourglass;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Sessions: an id, attributes and a time to live. Every write is atomic (one round trip where the
 * engine allows it); an expired session is never returned, counted or listed, even before a sweep
 * removes it.
 *
 * <p>Ids are 1..256 bytes of UTF-8 without control characters. TTLs are positive and at most
 * {@link #MAX_TTL}. Bad arguments throw {@link IllegalArgumentException} naming the argument and
 * value, and leave the store unchanged.
 */
public interface Sessions {

    /** The longest time to live a session may be given (10 years). */
    Duration MAX_TTL = Duration.ofDays(3650);

    /**
     * The live session, or empty when absent or expired. Does not touch it.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> get(String id);

    /**
     * The live sessions among {@code ids} (at most 10,000), keyed by id; absent and expired ones are
     * left out. Batched: one pipelined flush or one statement where the engine allows it.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Map<String, Session> getAll(Collection<String> ids);

    /**
     * Creates or replaces each session (at most 10,000) with the same TTL, batched like
     * {@link #getAll}. Each session is written atomically; the batch as a whole is not.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    void putAll(Map<String, Attributes> sessions, Duration ttl);

    /**
     * Creates a session under a new random id (128 bits from {@link java.security.SecureRandom}).
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Session create(Attributes attributes, Duration ttl);

    /**
     * Creates or replaces the session: attributes and TTL are set as given.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Session put(String id, Attributes attributes, Duration ttl);

    /**
     * Creates the session if no live one has the id; returns it, or empty when one already existed.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> createIfAbsent(String id, Attributes attributes, Duration ttl);

    /**
     * Sets some attributes, keeping the rest and the expiry, atomically. Returns the session after
     * the change, or empty when it does not exist.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> merge(String id, Attributes set);

    /**
     * Applies {@code change} (attributes to set, names to remove), keeping the other attributes and the
     * expiry, atomically: the one way to remove attributes without replacing them all. Returns the
     * session after the change, or empty when it does not exist.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> merge(String id, Merge change);

    /**
     * Applies {@code change} like {@link #merge(String, Merge)}, only if the session is still at
     * {@code expectedVersion}; one compare-and-set, the expiry kept. Returns the session after the
     * change, or empty when the version differs or the session does not exist (nothing is changed then).
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> merge(String id, Merge change, long expectedVersion);

    /**
     * Replaces all attributes of a live session, keeping its expiry (unlike {@link #put}, which sets a new
     * TTL and creates the session when absent). Returns the session after the change, or empty when it
     * does not exist.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> replace(String id, Attributes attributes);

    /**
     * Gives the session a new expiry of now + {@code ttl}; false when it does not exist.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean touch(String id, Duration ttl);

    /**
     * Returns the session and gives it a new expiry of now + {@code ttl}, in one operation.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> getAndTouch(String id, Duration ttl);

    /**
     * Deletes the session; false when there was no live one.
     *
     * @throws IllegalArgumentException naming the argument and its value when it is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    boolean delete(String id);

    /**
     * Replaces the attributes if the session's version is still {@code expectedVersion}, keeping the
     * expiry. Returns the new session, or empty when the version differs or the session is gone.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> compareAndSet(String id, long expectedVersion, Attributes attributes);

    /**
     * Applies {@code change} to the current attributes and stores the result with
     * compare-and-set, retrying on conflict; {@code change} may run several times and must have no
     * side effects. Returns the session after the change, or empty when it does not exist.
     *
     * @throws IllegalArgumentException naming the argument and its value when one is invalid
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Optional<Session> update(String id, UnaryOperator<Attributes> change);

    /**
     * The first page of live ids (at most {@code limit}, 1..10,000); {@link Page#next()} holds the cursor
     * of the next page, if any, for {@link #ids(String, int)}.
     *
     * @throws IllegalArgumentException naming {@code limit} when it is out of range
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Page<String> ids(int limit);

    /**
     * The page of live ids after {@code cursor} (at most {@code limit}, 1..10,000): the cursor is the
     * previous page's {@link Page#next()}; start with {@link #ids(int)}. A cursor is an opaque URL-safe token of at most 1,388 characters that the
     * store issued and checks (an HMAC keyed by the store option {@code cursorKey}, or a built-in
     * key); it stays valid across nodes and restarts of a deployment that shares the key. Anything
     * else is refused before the backend sees it. With the built-in key the check stops garbage and
     * guessed cursors but not someone who reads the project's source; a secret {@code cursorKey}
     * stops forgery too. Backends still validate every cursor they decode.
     *
     * @throws IllegalArgumentException naming {@code cursor} when it is null or not a token this store
     *                                  issued, or naming {@code limit} when it is out of range
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Page<String> ids(String cursor, int limit);

    /**
     * Every live id, fetched page by page as the stream is consumed; never loads all ids at once.
     * An id created or deleted while the stream runs may or may not appear; none appears twice.
     *
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Stream<String> ids();

    /**
     * The number of live sessions. May cost a scan on engines that cannot count cheaply.
     *
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    long count();

    /**
     * The name prefix of indexed attributes: an attribute named {@code index:principal} puts its session
     * in the index {@code principal}, under the attribute's value, and {@link #findByIndex} finds it there.
     */
    String INDEX_PREFIX = "index:";

    /** The most sessions {@link #findByIndex} returns for one value. */
    int MAX_INDEX_MATCHES = 10_000;

    /**
     * The live sessions whose attribute {@code INDEX_PREFIX + index} holds {@code value} (its UTF-8
     * bytes, exactly), keyed by id; at most {@link #MAX_INDEX_MATCHES}. The index is kept by every write
     * in the same atomic step as the attributes, so a session is found as soon as a write sets the
     * value and no longer once a write changes or removes it, or once it expires or is deleted (even
     * before a sweep). The sessions are returned as they are, not touched.
     *
     * @throws IllegalArgumentException naming {@code index} when {@code INDEX_PREFIX + index} is not a
     *                                  valid attribute name, or {@code value} when it is null or holds
     *                                  text UTF-8 cannot hold exactly
     * @throws IllegalStateException when the store is closed
     * @throws StoreUnavailableException when the engine does not answer within the timeout
     */
    Map<String, Session> findByIndex(String index, String value);

    /**
     * Registers a listener told of each expired session; close the result to remove it.
     *
     * @throws IllegalArgumentException naming {@code listener} when it is null
     */
    ExpiryRegistration onExpiry(ExpiryListener listener);
}
