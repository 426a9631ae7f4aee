package dev.hourglass.spi;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What backends share to keep the session index: which attributes are indexed (those named with
 * {@link Sessions#INDEX_PREFIX}), the check a lookup makes on each session it found, and a fixed-size
 * digest of a name and value for engines that key the index by it.
 *
 * <p>A backend's index may hold more ids than match (an id whose value changed, or that expired,
 * before its entry was pruned), never fewer: each write that sets an indexed value files the id under
 * it in the same atomic step. A lookup therefore reads the sessions it found and keeps only the live
 * ones that hold the value now ({@link #holds}).
 */
public final class SessionIndex {

    /** The longest value a lookup may ask for, in bytes of UTF-8. */
    public static final int MAX_VALUE_BYTES = 65_536;

    private static final int MAX_NAME_BYTES = 256;

    private SessionIndex() {}

    /**
     * Whether an attribute of this name is indexed.
     *
     * @throws NullPointerException when {@code attribute} is null
     */
    public static boolean indexed(String attribute) {
        return attribute.startsWith(Sessions.INDEX_PREFIX);
    }

    /**
     * The indexed names among {@code names}.
     *
     * @throws NullPointerException when {@code names} is null
     */
    public static Set<String> indexedNames(Set<String> names) {
        Set<String> out = null;
        for (String n : names) {
            if (indexed(n)) {
                if (out == null) {
                    out = new LinkedHashSet<>();
                }
                out.add(n);
            }
        }
        return out == null ? Set.of() : out;
    }

    /**
     * Whether {@code attributes} hold an indexed attribute.
     *
     * @throws NullPointerException when {@code attributes} is null
     */
    public static boolean anyIndexed(Attributes attributes) {
        for (String n : attributes.names()) {
            if (indexed(n)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The attribute name of index {@code index}, checked.
     *
     * @throws IllegalArgumentException naming {@code index} when it is null, empty, holds text UTF-8
     *                                  cannot hold exactly, or makes a name longer than 256 bytes
     */
    public static String attribute(String index) {
        if (index == null || index.isEmpty()) {
            throw new IllegalArgumentException(
                    "index must be a non-empty name, was " + (index == null ? "null" : "empty"));
        }
        if (unpaired(index)) {
            throw new IllegalArgumentException(
                    "index must be text UTF-8 can hold exactly (no unpaired surrogate): " + quote(index));
        }
        String name = Sessions.INDEX_PREFIX + index;
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("index must make an attribute name of at most " + MAX_NAME_BYTES
                    + " bytes with its prefix '" + Sessions.INDEX_PREFIX + "', made " + bytes + ": " + quote(index));
        }
        return name;
    }

    /**
     * The UTF-8 bytes of a lookup value, checked.
     *
     * @throws IllegalArgumentException naming {@code value} when it is null, holds text UTF-8 cannot
     *                                  hold exactly, or is longer than {@link #MAX_VALUE_BYTES}
     */
    public static byte[] value(String value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (unpaired(value)) {
            throw new IllegalArgumentException(
                    "value must be text UTF-8 can hold exactly (no unpaired surrogate): " + quote(value));
        }
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(
                    "value must be at most " + MAX_VALUE_BYTES + " bytes of UTF-8, was " + b.length);
        }
        return b;
    }

    /**
     * Whether {@code session} is live at {@code now} and its attribute {@code name} holds {@code value}.
     *
     * @throws NullPointerException when an argument is null
     */
    public static boolean holds(Session session, String name, byte[] value, long now) {
        if (session.expiresAt().toEpochMilli() <= now) {
            return false;
        }
        byte[] v = session.attributes().getBytes(name);
        return v != null && Arrays.equals(v, value);
    }

    /**
     * A 32-byte digest (SHA-256) of an index entry's name and value, for engines that key the index by
     * a fixed-size key; a collision costs nothing but a session read, since lookups check each session.
     *
     * @throws NullPointerException when an argument is null
     */
    public static byte[] digest(String name, byte[] value) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            md.update((byte) (n.length >>> 8));
            md.update((byte) n.length);
            md.update(n);
            md.update(value);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * The matches among the sessions {@code found} for a lookup, at most {@code limit} of them.
     *
     * @throws NullPointerException when an argument is null
     */
    public static Map<String, Session> matches(
            Map<String, Session> found, String name, byte[] value, int limit, long now) {
        Map<String, Session> out = new LinkedHashMap<>();
        for (Map.Entry<String, Session> e : found.entrySet()) {
            if (out.size() == limit) {
                break;
            }
            if (holds(e.getValue(), name, value, now)) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * A lookup without an index: every live session is read, a page at a time. For backends and
     * decorators that keep no index; it costs a read of the whole store.
     *
     * @throws NullPointerException when an argument is null
     */
    public static Map<String, Session> scan(SessionBackend backend, String name, byte[] value, int limit, long now) {
        Map<String, Session> out = new LinkedHashMap<>();
        String cursor = null;
        do {
            Page<String> page = backend.ids(cursor, 1_000, now);
            out.putAll(matches(backend.getAll(page.items(), now), name, value, limit - out.size(), now));
            cursor = page.next().orElse(null);
        } while (cursor != null && out.size() < limit);
        return out;
    }

    private static boolean unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String quote(String s) {
        return "'" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
    }
}
