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

    /** Attributes holding copies of the given byte values. */
    public static Attributes of(Map<String, byte[]> values) {
        Objects.requireNonNull(values, "values");
        if (values.isEmpty()) {
            return EMPTY;
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(checkName(k), checkValue(k, v).clone()));
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** Attributes holding the given values encoded by {@code codec}. */
    public static <T> Attributes of(Map<String, ? extends T> values, Codec<T> codec) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(codec, "codec");
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(checkName(k), codec.encode(checkValue(k, v))));
        return copy.isEmpty() ? EMPTY : new Attributes(Collections.unmodifiableMap(copy));
    }

    /** Attributes holding UTF-8 strings. */
    public static Attributes strings(Map<String, String> values) {
        return of(values, Codecs.utf8());
    }

    /**
     * Attributes holding each value as JSON (Jackson must be on the class path): numbers, strings,
     * booleans, lists, maps and records alike. {@link #json(String, Class)} reads them back.
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

    /** The value decoded by {@code codec}, or {@code null} when absent. */
    public <T> T get(String name, Codec<T> codec) {
        byte[] v = values().get(name);
        return v == null ? null : codec.decode(v);
    }

    /** The value as a UTF-8 string, or {@code null} when absent. */
    public String string(String name) {
        byte[] v = values().get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
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
        String s = new String(v, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CorruptDataException("attribute '" + name + "' is not an integer: '" + abbreviate(s) + "'", e);
        }
    }

    /** The value read as JSON into {@code type}, or {@code null} when absent. */
    public <T> T json(String name, Class<T> type) {
        byte[] v = values().get(name);
        return v == null ? null : JsonSupport.read(v, type, name);
    }

    /** A copy with {@code name} set to {@code value}. */
    public Attributes with(String name, byte[] value) {
        checkName(name);
        checkValue(name, value);
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.put(name, value.clone());
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** A copy with {@code name} set to {@code value} encoded by {@code codec}. */
    public <T> Attributes with(String name, T value, Codec<T> codec) {
        checkName(name);
        checkValue(name, value);
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.put(name, codec.encode(value));
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** A copy with {@code name} set to a UTF-8 string. */
    public Attributes with(String name, String value) {
        return with(name, value, Codecs.utf8());
    }

    /** A copy with {@code name} set to the decimal form of {@code value} (valid JSON as well). */
    public Attributes with(String name, long value) {
        return with(name, Long.toString(value), Codecs.utf8());
    }

    /** A copy with {@code name} set to {@code value} as JSON. */
    public Attributes withJson(String name, Object value) {
        return with(name, value, Codecs.json());
    }

    /** A copy with every attribute of {@code other} set (overriding same names). */
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

    /** A copy without the named attributes. */
    public Attributes without(Set<String> names) {
        return without(names.toArray(String[]::new));
    }

    /** A copy of all values, in insertion order. */
    public Map<String, byte[]> toMap() {
        Map<String, byte[]> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** All values decoded by {@code codec}, in insertion order. */
    public <T> Map<String, T> toMap(Codec<T> codec) {
        Map<String, T> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, codec.decode(v)));
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
        int size = varIntSize(values().size());
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            int n = utf8Length(e.getKey());
            size += varIntSize(n) + n + varIntSize(e.getValue().length) + e.getValue().length;
        }
        byte[] out = new byte[size];
        int pos = putVarInt(out, 0, values().size());
        for (Map.Entry<String, byte[]> e : values().entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
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
     * Reads the form written by {@link #toBytes()}. The structure is checked at once; values are
     * decoded when first read.
     *
     * @throws CorruptDataException when the bytes are not such a form
     */
    public static Attributes fromBytes(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int end = offset + length;
        int[] pos = {offset};
        int count = readVarInt(bytes, pos, end);
        if (count == 0 && pos[0] == end) {
            return EMPTY;
        }
        if (count < 0 || count > length) {
            throw new CorruptDataException("attribute count " + count + " does not fit in " + length + " bytes");
        }
        long payload = 0;
        for (int i = 0; i < count; i++) {
            int nameLength = readLength(bytes, pos, end);
            pos[0] += nameLength;
            int valueLength = readLength(bytes, pos, end);
            pos[0] += valueLength;
            payload += nameLength + valueLength;
        }
        if (pos[0] != end) {
            throw new CorruptDataException((end - pos[0]) + " trailing bytes after " + count + " attributes");
        }
        return new Attributes(Arrays.copyOfRange(bytes, offset, end), count, payload);
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

    /** Reads the form written by {@link #toBytes()}. */
    public static Attributes fromBytes(byte[] bytes) {
        return fromBytes(bytes, 0, bytes.length);
    }

    private static int readLength(byte[] b, int[] pos, int end) {
        int n = readVarInt(b, pos, end);
        if (n < 0 || n > end - pos[0]) {
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

    private static int readVarInt(byte[] b, int[] pos, int end) {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos[0] >= end) {
                throw new CorruptDataException("attribute bytes end inside a length");
            }
            byte x = b[pos[0]++];
            result |= (x & 0x7F) << shift;
            if (x >= 0) {
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
            n += utf8Length(e.getKey()) + e.getValue().length;
        }
        return n;
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("attribute name must not be null");
        }
        if (name.isEmpty() || utf8Length(name) > 256) {
            throw new IllegalArgumentException("attribute name must be 1..256 bytes of UTF-8, was '" + abbreviate(name) + "'");
        }
        return name;
    }

    private static <V> V checkValue(String name, V value) {
        if (value == null) {
            throw new IllegalArgumentException("attribute '" + name + "' must not have a null value");
        }
        return value;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
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
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue().length).append('B');
            sep = ", ";
        }
        return sb.append('}').toString();
    }
}
