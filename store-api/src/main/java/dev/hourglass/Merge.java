package dev.hourglass;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One atomic change to a session's attributes for {@link Sessions#merge(String, Merge)}: attributes to
 * set and names to remove; every other attribute and the expiry stay as they are. Immutable; each
 * method returns a new instance.
 *
 * <pre>{@code
 * sessions.merge(id, Merge.set(Attributes.empty().with("step", 3)).andRemove("draft"));
 * }</pre>
 *
 * <p>A name is either set or removed, never both: the later of {@link #andSet} and {@link #andRemove}
 * decides.
 */
public final class Merge {

    private static final Merge NONE = new Merge(Attributes.empty(), Set.of());

    private final Attributes set;
    private final Set<String> remove;

    private Merge(Attributes set, Set<String> remove) {
        this.set = set;
        this.remove = remove;
    }

    /**
     * A change that sets {@code attributes}.
     *
     * @throws IllegalArgumentException when {@code attributes} is null
     */
    public static Merge set(Attributes attributes) {
        if (attributes == null) {
            throw new IllegalArgumentException("attributes must not be null; use Attributes.empty()");
        }
        return attributes.isEmpty() ? NONE : new Merge(attributes, Set.of());
    }

    /**
     * A change that removes the named attributes.
     *
     * @throws IllegalArgumentException when {@code names} or one of them is null, or a name holds text
     *                                  UTF-8 cannot hold exactly
     */
    public static Merge remove(String... names) {
        return NONE.andRemove(names);
    }

    /**
     * This change, also setting {@code attributes} (over any attribute this change already sets).
     *
     * @throws IllegalArgumentException when {@code attributes} is null
     */
    public Merge andSet(Attributes attributes) {
        if (attributes == null) {
            throw new IllegalArgumentException("attributes must not be null; use Attributes.empty()");
        }
        if (remove.isEmpty()) {
            return new Merge(set.withAll(attributes), remove);
        }
        Set<String> left = new LinkedHashSet<>(remove);
        left.removeAll(attributes.names());
        return new Merge(set.withAll(attributes), Set.copyOf(left));
    }

    /**
     * This change, also removing the named attributes.
     *
     * @throws IllegalArgumentException when {@code names} or one of them is null, or a name holds text
     *                                  UTF-8 cannot hold exactly
     */
    public Merge andRemove(String... names) {
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
        return andRemove(Arrays.asList(names));
    }

    /**
     * This change, also removing the named attributes.
     *
     * @throws IllegalArgumentException when {@code names} or one of them is null, or a name holds text
     *                                  UTF-8 cannot hold exactly
     */
    public Merge andRemove(Iterable<String> names) {
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
        Set<String> all = new LinkedHashSet<>(remove);
        for (String n : names) {
            if (n == null) {
                throw new IllegalArgumentException("names must not contain null");
            }
            Checks.text("names holds a name that", n);
            all.add(n);
        }
        return new Merge(set.without(all), Set.copyOf(all));
    }

    /** The attributes this change sets. */
    public Attributes set() {
        return set;
    }

    /** The names this change removes; none of them is in {@link #set()}. */
    public Set<String> remove() {
        return remove;
    }

    /** The attributes {@code current} holds after this change. */
    Attributes applyTo(Attributes current) {
        return current.withAll(set).without(remove);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Merge m && m.set.equals(set) && m.remove.equals(remove);
    }

    @Override
    public int hashCode() {
        return Objects.hash(set, remove);
    }

    @Override
    public String toString() {
        return "Merge[set=" + set.names() + ", remove=" + remove + "]";
    }
}
