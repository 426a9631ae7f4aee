package dev.hourglass;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable set of named byte values: the attributes of a session or the metadata of a stream.
 *
 * <p>Values are bytes at the storage level; {@link Codec}s turn them into strings, numbers and
 * JSON. Every {@code with}/{@code without} returns a new instance; the byte arrays handed in are
 * copied and the ones handed out are copies, so an instance can be shared freely between threads.
 */
public final class Attributes {

    /** The longest attribute name, in bytes of UTF-8. */
    static final int MAX_NAME_BYTES = 256;

    private static final Attributes EMPTY = new Attributes(Map.of());

    /** Decoded values; null until first needed when built from the binary form. */
    private volatile Map<String, byte[]> values;
    /** The binary form this instance was read from, or null. */
    private final byte[] form;

    private final int count;
    /** Bytes of names and values; -1 until computed for map-built instances. */
    private final long formPayloadBytes;

    private Attributes(Map<String, byte[]> values) {
        this.values = values;
        this.form = null;
        this.count = values.size();
        this.formPayloadBytes = -1;
    }

    private Attributes(byte[] form, int count, long payloadBytes) {
        this.form = form;
        this.count = count;
        this.formPayloadBytes = payloadBytes;
    }

    private Map<String, byte[]> values() {
        Map<String, byte[]> v = values;
        if (v == null) {
            v = decode(form, count);
            values = v;
        }
        return v;
    }

    /** No attributes. */
    public static Attributes empty() {
        return EMPTY;
    }

    /**
     * Attributes holding copies of the given byte values.
     *
     * @throws NullPointerException when {@code values} is null
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null
     */
    public static Attributes of(Map<String, byte[]> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            return EMPTY;
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(checkName(k), checkValue(k, v).clone()));
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /**
     * Attributes holding the given values encoded by {@code codec}.
     *
     * @throws NullPointerException when {@code values} or {@code codec} is null
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null, or the codec refuses a value (the
     *                                  message names the attribute)
     */
    public static <T> Attributes of(Map<String, ? extends T> values, Codec<T> codec) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(codec, "codec");
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(checkName(k), encode(k, checkValue(k, v), codec)));
        return copy.isEmpty() ? EMPTY : new Attributes(Collections.unmodifiableMap(copy));
    }

    /**
     * Attributes holding UTF-8 strings.
     *
     * @throws IllegalArgumentException when a name or value holds an unpaired surrogate (text that
     *                                  UTF-8 cannot hold exactly), or a name is not 1..256 bytes
     */
    public static Attributes strings(Map<String, String> values) {
        return of(values, Codecs.utf8());
    }

    /**
     * Attributes holding each value as JSON (Jackson must be on the class path): numbers, strings,
     * booleans, lists, maps and records alike. {@link #json(String, Class)} reads them back.
     *
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null, or a value has no JSON form
     * @throws IllegalStateException when Jackson is not on the class path
     */
    public static Attributes json(Map<String, ?> values) {
        return of(values, Codecs.json());
    }

    private static Attributes wrap(Map<String, byte[]> owned) {
        return owned.isEmpty() ? EMPTY : new Attributes(Collections.unmodifiableMap(owned));
    }

    /** The attribute names, in insertion order. */
    public Set<String> names() {
        return values().keySet();
    }

    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public boolean contains(String name) {
        return values().containsKey(name);
    }

    /** A copy of the raw value, or {@code null} when absent. */
    public byte[] bytes(String name) {
        byte[] v = values().get(name);
        return v == null ? null : v.clone();
    }

    /**
     * The value decoded by {@code codec}, or {@code null} when absent.
     *
     * @throws CorruptDataException when the codec cannot decode the value; the message names the attribute
     */
    public <T> T get(String name, Codec<T> codec) {
        byte[] v = values().get(name);
        return v == null ? null : decode(name, v, codec);
    }

    private static <T> T decode(String name, byte[] value, Codec<T> codec) {
        try {
            return codec.decode(value);
        } catch (CorruptDataException e) {
            throw new CorruptDataException("attribute " + Checks.quote(name) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The value as a UTF-8 string, or {@code null} when absent.
     *
     * @throws CorruptDataException when the value is not well-formed UTF-8
     */
    public String string(String name) {
        byte[] v = values().get(name);
        return v == null ? null : text(name, v);
    }

    private static String text(String name, byte[] v) {
        int bad = Checks.malformedUtf8(v, 0, v.length);
        if (bad >= 0) {
            throw new CorruptDataException("attribute " + Checks.quote(name) + " is not well-formed UTF-8 (byte " + bad
                    + " of " + v.length + ")");
        }
        return new String(v, StandardCharsets.UTF_8);
    }

    /**
     * The value as a long (a decimal string or a JSON number), or {@code defaultValue} when absent.
     *
     * @throws CorruptDataException when the value is not a decimal integer
     */
    public long getLong(String name, long defaultValue) {
        byte[] v = values().get(name);
        if (v == null) {
            return defaultValue;
        }
        String s = text(name, v).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CorruptDataException(
                    "attribute " + Checks.quote(name) + " is not an integer: " + Checks.quote(s), e);
        }
    }

    /**
     * The value read as JSON into {@code type}, or {@code null} when absent.
     *
     * @throws CorruptDataException when the value is not well-formed UTF-8, not one JSON value, or
     *                              not readable as {@code type}
     */
    public <T> T json(String name, Class<T> type) {
        byte[] v = values().get(name);
        return v == null ? null : JsonSupport.read(v, type, name);
    }

    /**
     * A copy with {@code name} set to {@code value}.
     *
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null
     */
    public Attributes with(String name, byte[] value) {
        checkName(name);
        checkValue(name, value);
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.put(name, value.clone());
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /**
     * A copy with {@code name} set to {@code value} encoded by {@code codec}.
     *
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null, or the codec refuses the value
     */
    public <T> Attributes with(String name, T value, Codec<T> codec) {
        checkName(name);
        checkValue(name, value);
        byte[] encoded = encode(name, value, codec);
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.put(name, encoded);
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    private static <T> byte[] encode(String name, T value, Codec<T> codec) {
        byte[] encoded;
        try {
            encoded = codec.encode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute " + Checks.quote(name) + ": " + e.getMessage(), e);
        }
        if (encoded == null) {
            throw new IllegalArgumentException("attribute " + Checks.quote(name) + ": the codec gave no bytes");
        }
        return encoded;
    }

    /**
     * A copy with {@code name} set to a UTF-8 string.
     *
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null, or the value holds an unpaired
     *                                  surrogate
     */
    public Attributes with(String name, String value) {
        return with(name, value, Codecs.utf8());
    }

    /**
     * A copy with {@code name} set to the decimal form of {@code value} (valid JSON as well).
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an
     *                                  unpaired surrogate
     */
    public Attributes with(String name, long value) {
        return with(name, Long.toString(value), Codecs.utf8());
    }

    /**
     * A copy with {@code name} set to {@code value} as JSON.
     *
     * @throws IllegalArgumentException when a name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or a value is null, or the value has no JSON form
     * @throws IllegalStateException when Jackson is not on the class path
     */
    public Attributes withJson(String name, Object value) {
        return with(name, value, Codecs.json());
    }

    /**
     * A copy with every attribute of {@code other} set (overriding same names).
     *
     * @throws NullPointerException when {@code other} is null
     */
    public Attributes withAll(Attributes other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.putAll(other.values());
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** A copy without the named attributes. */
    public Attributes without(String... names) {
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        for (String n : names) {
            copy.remove(n);
        }
        return copy.size() == count ? this : wrap(copy);
    }

    /**
     * A copy without the named attributes.
     *
     * @throws NullPointerException when {@code names} is null
     */
    public Attributes without(Set<String> names) {
        return without(names.toArray(String[]::new));
    }

    /** A copy of all values, in insertion order. */
    public Map<String, byte[]> toMap() {
        Map<String, byte[]> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * All values decoded by {@code codec}, in insertion order.
     *
     * @throws CorruptDataException when the codec cannot decode a value; the message names the attribute
     */
    public <T> Map<String, T> toMap(Codec<T> codec) {
        Map<String, T> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, decode(k, v, codec)));
        return copy;
    }

    /**
     * A compact binary form (count, then length-prefixed UTF-8 names and values) that
     * {@link #fromBytes} reads back; backends that store one blob per session use it.
     */
    public byte[] toBytes() {
        if (form != null) {
            return form.clone();
        }
        byte[][] names = new byte[values().size()][];
        int size = varIntSize(values().size());
        int i = 0;
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            names[i++] = name;
            size += varIntSize(name.length) + name.length + varIntSize(e.getValue().length) + e.getValue().length;
        }
        byte[] out = new byte[size];
        int pos = putVarInt(out, 0, values().size());
        i = 0;
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            byte[] name = names[i++];
            pos = putVarInt(out, pos, name.length);
            System.arraycopy(name, 0, out, pos, name.length);
            pos += name.length;
            byte[] v = e.getValue();
            pos = putVarInt(out, pos, v.length);
            System.arraycopy(v, 0, out, pos, v.length);
            pos += v.length;
        }
        return out;
    }

    /**
     * Reads the form written by {@link #toBytes()}. The whole form is checked at once (lengths in
     * their shortest encoding and within the bytes, names non-empty, at most 256 bytes, well-formed
     * UTF-8 and distinct, nothing after the last value); values are copied out when first read.
     * Nothing is allocated beyond what the bytes themselves hold.
     *
     * @throws CorruptDataException     when the bytes are not such a form
     * @throws IllegalArgumentException when {@code bytes} is null or the range does not fit in it
     */
    public static Attributes fromBytes(byte[] bytes, int offset, int length) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        if (offset < 0 || length < 0 || length > bytes.length - offset) {
            throw new IllegalArgumentException(
                    "offset " + offset + " and length " + length + " do not fit in " + bytes.length + " bytes");
        }
        int end = offset + length;
        int[] pos = {offset};
        int count = readVarInt(bytes, pos, end);
        if (count == 0) {
            if (pos[0] != end) {
                throw new CorruptDataException((end - pos[0]) + " trailing bytes after 0 attributes");
            }
            return EMPTY;
        }
        if (count > (end - pos[0]) / 3) {
            throw new CorruptDataException("attribute count " + count + " does not fit in " + length + " bytes");
        }
        int[] nameAt = new int[count];
        int[] nameLength = new int[count];
        int[] slots = new int[Integer.highestOneBit(count) << (count < 1 << 28 ? 2 : 1)];
        long payload = 0;
        for (int i = 0; i < count; i++) {
            int nl = readLength(bytes, pos, end);
            int at = pos[0];
            if (nl == 0 || nl > MAX_NAME_BYTES) {
                throw new CorruptDataException("attribute name " + (i + 1) + " of " + count + " is " + nl
                        + " bytes; names are 1.." + MAX_NAME_BYTES + " bytes" + (nl == 0 ? " (it is empty)" : ""));
            }
            int bad = Checks.malformedUtf8(bytes, at, at + nl);
            if (bad >= 0) {
                throw new CorruptDataException("attribute name " + (i + 1) + " of " + count
                        + " is not well-formed UTF-8 (byte " + (bad - at) + " of " + nl + ")");
            }
            nameAt[i] = at;
            nameLength[i] = nl;
            if (!addName(slots, bytes, nameAt, nameLength, i)) {
                throw new CorruptDataException("attribute name " + (i + 1) + " of " + count + " appears twice");
            }
            pos[0] += nl;
            int vl = readLength(bytes, pos, end);
            pos[0] += vl;
            payload += nl + vl;
        }
        if (pos[0] != end) {
            throw new CorruptDataException((end - pos[0]) + " trailing bytes after " + count + " attributes");
        }
        return new Attributes(Arrays.copyOfRange(bytes, offset, end), count, payload);
    }

    /** Records name {@code i} in the open-addressing table {@code slots}; false when it is there already. */
    private static boolean addName(int[] slots, byte[] b, int[] at, int[] length, int i) {
        int h = 1;
        for (int k = at[i], e = at[i] + length[i]; k < e; k++) {
            h = 31 * h + b[k];
        }
        int mask = slots.length - 1;
        for (int s = (h ^ (h >>> 16)) & mask; ; s = (s + 1) & mask) {
            int j = slots[s] - 1;
            if (j < 0) {
                slots[s] = i + 1;
                return true;
            }
            if (Arrays.equals(b, at[j], at[j] + length[j], b, at[i], at[i] + length[i])) {
                return false;
            }
        }
    }

    private static Map<String, byte[]> decode(byte[] form, int count) {
        int[] pos = {0};
        int end = form.length;
        readVarInt(form, pos, end);
        Map<String, byte[]> map = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            int nl = readLength(form, pos, end);
            String name = new String(form, pos[0], nl, StandardCharsets.UTF_8);
            pos[0] += nl;
            int vl = readLength(form, pos, end);
            map.put(name, Arrays.copyOfRange(form, pos[0], pos[0] + vl));
            pos[0] += vl;
        }
        return Collections.unmodifiableMap(map);
    }

    /**
     * Reads the form written by {@link #toBytes()}.
     *
     * @throws CorruptDataException     when the bytes are not such a form
     * @throws IllegalArgumentException when {@code bytes} is null
     */
    public static Attributes fromBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("bytes must not be null");
        }
        return fromBytes(bytes, 0, bytes.length);
    }

    private static int readLength(byte[] b, int[] pos, int end) {
        int n = readVarInt(b, pos, end);
        if (n > end - pos[0]) {
            throw new CorruptDataException("length " + n + " runs past the end of the attribute bytes");
        }
        return n;
    }

    private static int varIntSize(int v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    private static int putVarInt(byte[] b, int pos, int v) {
        while ((v & ~0x7F) != 0) {
            b[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[pos++] = (byte) v;
        return pos;
    }

    /** A non-negative int in 1..5 bytes, 7 bits each, low bits first, in its shortest form only. */
    private static int readVarInt(byte[] b, int[] pos, int end) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                throw new CorruptDataException("attribute bytes end inside a length");
            }
            byte x = b[pos[0]++];
            if (shift == 28 && (x & 0xF8) != 0) {
                throw new CorruptDataException("length in attribute bytes exceeds " + Integer.MAX_VALUE);
            }
            result |= (x & 0x7F) << shift;
            if (x >= 0) {
                if (x == 0 && shift > 0) {
                    throw new CorruptDataException("length in attribute bytes is not in its shortest form");
                }
                return result;
            }
        }
        throw new CorruptDataException("malformed length in attribute bytes");
    }

    /** Bytes of all names (UTF-8) and values: the size the backends' limits apply to. */
    public long byteSize() {
        if (form != null) {
            return formPayloadBytes;
        }
        long n = 0;
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            n += Checks.utf8Length(e.getKey()) + e.getValue().length;
        }
        return n;
    }

    /**
     * A name is 1..256 bytes of UTF-8 and any text UTF-8 holds exactly: every code point, control
     * characters included, but no unpaired surrogate.
     */
    private static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name must not be null");
        }
        int bytes = name.isEmpty() ? 0 : Checks.text("attribute name", name);
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("attribute name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8, was "
                    + bytes + " bytes: " + Checks.quote(name));
        }
        return name;
    }

    private static <V> V checkValue(String name, V value) {
        if (value == null) {
            throw new IllegalArgumentException("attribute " + Checks.quote(name) + " must not have a null value");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Attributes other) || other.count != count) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            if (!Arrays.equals(e.getValue(), other.values().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Attributes{");
        String sep = "";
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            sb.append(sep)
                    .append(Checks.quote(e.getKey()))
                    .append('=')
                    .append(e.getValue().length)
                    .append('B');
            sep = ", ";
        }
        return sb.append('}').toString();
    }
}
