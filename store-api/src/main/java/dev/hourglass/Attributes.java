package dev.hourglass;

import dev.hourglass.spi.JsonSyntax;
import dev.hourglass.spi.Text;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An immutable set of named, typed values: the attributes of a session or the metadata of a stream.
 *
 * <p>Every value has an {@link AttributeType}: {@link AttributeType#TEXT text}, {@link AttributeType#JSON
 * JSON} or {@link AttributeType#BYTES bytes}. The type is stored with the value on every backend, so a
 * value reads back as what was written, in Java and over HTTP alike. Getters follow one scheme:
 * {@link #getString}, {@link #getLong}, {@link #getJson}, {@link #getBytes} and {@link #get(String, Codec)};
 * each returns {@code null} (or the default) when the attribute is absent and throws
 * {@link IllegalStateException} naming the attribute when its type does not give that kind of value.
 *
 * <p>Every {@code with}/{@code without} returns a new instance; byte arrays handed in are copied and the
 * ones handed out are copies, so an instance can be shared freely between threads.
 */
public final class Attributes {

    /** The longest attribute name, in bytes of UTF-8. */
    static final int MAX_NAME_BYTES = 256;

    private static final Attributes EMPTY = new Attributes(Map.of());
    /** A JSON integer of at most 19 digits: what {@link #getLong} may read (a long then checks the range). */
    private static final Pattern JSON_LONG = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

    /** Stored values (type tag, then the payload); null until first needed when built from the binary form. */
    private volatile Map<String, byte[]> values;
    /** The binary form this instance was read from, or null. */
    private final byte[] form;

    private final int count;
    /** Bytes of names and payloads, what {@link #byteSize()} answers: counted once, since every write checks it. */
    private final long payloadBytes;

    private Attributes(Map<String, byte[]> values) {
        this.values = values;
        this.form = null;
        this.count = values.size();
        long n = 0;
        for (Map.Entry<String, byte[]> e : values.entrySet()) {
            n += Text.utf8Length(e.getKey()) + e.getValue().length - 1;
        }
        this.payloadBytes = n;
    }

    private Attributes(byte[] form, int count, long payloadBytes) {
        this.form = form;
        this.count = count;
        this.payloadBytes = payloadBytes;
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
     * Attributes holding copies of the given values as {@link AttributeType#BYTES}.
     *
     * @throws IllegalArgumentException when {@code values} is null, a name is null, not 1..256 bytes of
     *                                  UTF-8 or holds an unpaired surrogate, or a value is null
     */
    public static Attributes bytes(Map<String, byte[]> values) {
        return of(values, Codecs.bytes());
    }

    /**
     * Attributes holding the given values encoded by {@code codec}, of the codec's {@link Codec#type()}.
     *
     * @throws IllegalArgumentException when {@code values} or {@code codec} is null, a name is null, not
     *                                  1..256 bytes of UTF-8 or holds an unpaired surrogate, or a value is
     *                                  null, or the codec refuses a value (the message names the attribute)
     */
    public static <T> Attributes of(Map<String, ? extends T> values, Codec<T> codec) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> copy.put(checkName(k), encode(k, checkValue(k, v), codec)));
        return wrap(copy);
    }

    /**
     * Attributes holding {@link AttributeType#TEXT} values.
     *
     * @throws IllegalArgumentException when {@code values} is null, a name or value is null or holds an
     *                                  unpaired surrogate (text that UTF-8 cannot hold exactly), or a name
     *                                  is not 1..256 bytes
     */
    public static Attributes strings(Map<String, String> values) {
        return of(values, Codecs.utf8());
    }

    /**
     * Attributes holding each value as {@link AttributeType#JSON} (Jackson must be on the class path):
     * numbers, strings, booleans, lists, maps and records alike. {@link #getJson} reads them back.
     *
     * @throws IllegalArgumentException when {@code values} is null, a name is null, not 1..256 bytes of
     *                                  UTF-8 or holds an unpaired surrogate, or a value is null, or a value
     *                                  has no exact JSON form
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

    /** The number of attributes. */
    public int size() {
        return count;
    }

    /** Whether there are no attributes. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** Whether the attribute is present. */
    public boolean contains(String name) {
        return values().containsKey(name);
    }

    /** The type of the attribute's value, or {@code null} when absent. */
    public AttributeType type(String name) {
        byte[] v = values().get(name);
        return v == null ? null : AttributeType.ofTag(v[0]);
    }

    /**
     * A copy of the value's bytes, or {@code null} when absent: the bytes as written for
     * {@link AttributeType#BYTES}, the UTF-8 form for text and JSON.
     */
    public byte[] getBytes(String name) {
        byte[] v = values().get(name);
        return v == null ? null : Arrays.copyOfRange(v, 1, v.length);
    }

    /**
     * The value's bytes ({@link #getBytes}) decoded by {@code codec}, or {@code null} when absent.
     *
     * @throws IllegalArgumentException when {@code codec} is null
     * @throws CorruptDataException when the codec cannot decode the value; the message names the attribute
     */
    public <T> T get(String name, Codec<T> codec) {
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        byte[] v = values().get(name);
        return v == null ? null : decode(name, v, codec);
    }

    private static <T> T decode(String name, byte[] value, Codec<T> codec) {
        try {
            return codec.decode(Arrays.copyOfRange(value, 1, value.length));
        } catch (CorruptDataException e) {
            throw new CorruptDataException("attribute " + Checks.quote(name) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The text of a {@link AttributeType#TEXT} value, or of a JSON value that is a JSON string; {@code null}
     * when absent.
     *
     * @throws IllegalStateException when the value is bytes, or JSON other than a string
     */
    public String getString(String name) {
        byte[] v = values().get(name);
        if (v == null) {
            return null;
        }
        if (v[0] == AttributeType.TEXT.tag) {
            return new String(v, 1, v.length - 1, StandardCharsets.UTF_8);
        }
        String text = v[0] == AttributeType.JSON.tag ? JsonStrings.unquote(v, 1, v.length) : null;
        if (text == null) {
            throw mismatch(name, v, "text");
        }
        return text;
    }

    /**
     * The value of a {@link AttributeType#JSON} integer in the range of a long (as {@link #with(String, long)}
     * writes), or {@code defaultValue} when absent.
     *
     * @throws IllegalStateException when the value is not a JSON integer in the range of a long
     */
    public long getLong(String name, long defaultValue) {
        byte[] v = values().get(name);
        if (v == null) {
            return defaultValue;
        }
        if (v[0] == AttributeType.JSON.tag) {
            String s = new String(v, 1, v.length - 1, StandardCharsets.US_ASCII);
            if (JSON_LONG.matcher(s).matches()) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    // out of range: reported below
                }
            }
        }
        throw mismatch(name, v, "an integer in the range of a long");
    }

    /**
     * The value read as JSON into {@code type} (Jackson must be on the class path): a {@link AttributeType#JSON}
     * value, or a text value as a JSON string. {@code null} when absent.
     *
     * @throws IllegalArgumentException when {@code type} is null
     * @throws IllegalStateException when the value is bytes, or Jackson is not on the class path
     * @throws CorruptDataException when the value does not read as {@code type}
     */
    public <T> T getJson(String name, Class<T> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
        byte[] v = values().get(name);
        if (v == null) {
            return null;
        }
        if (v[0] == AttributeType.JSON.tag) {
            return JsonSupport.read(Arrays.copyOfRange(v, 1, v.length), type, name);
        }
        if (v[0] == AttributeType.TEXT.tag) {
            return JsonSupport.convert(new String(v, 1, v.length - 1, StandardCharsets.UTF_8), type, name);
        }
        throw mismatch(name, v, "JSON");
    }

    private static IllegalStateException mismatch(String name, byte[] v, String wanted) {
        AttributeType t = AttributeType.ofTag(v[0]);
        String held = t == AttributeType.JSON
                ? "JSON " + Checks.quote(preview(v))
                : t == AttributeType.TEXT ? "text" : "bytes";
        return new IllegalStateException("attribute " + Checks.quote(name) + " holds " + held + ", not " + wanted);
    }

    private static String preview(byte[] v) {
        int n = Math.min(v.length - 1, 40);
        String s = new String(v, 1, n, StandardCharsets.UTF_8);
        return n < v.length - 1 ? s + "..." : s;
    }

    /**
     * A copy with {@code name} set to {@code value} as {@link AttributeType#BYTES}.
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or the value is null
     */
    public Attributes with(String name, byte[] value) {
        return with(name, value, Codecs.bytes());
    }

    /**
     * A copy with {@code name} set to {@code value} encoded by {@code codec}, of the codec's
     * {@link Codec#type()}.
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or the value or codec is null, or the codec refuses the value
     */
    public <T> Attributes with(String name, T value, Codec<T> codec) {
        checkName(name);
        checkValue(name, value);
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        byte[] encoded = encode(name, value, codec);
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        copy.put(name, encoded);
        return new Attributes(Collections.unmodifiableMap(copy));
    }

    /** The stored form of {@code value} encoded by {@code codec}: its type tag, then its bytes, checked. */
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
        AttributeType type = codec.type();
        if (type == null) {
            throw new IllegalArgumentException("attribute " + Checks.quote(name) + ": the codec gave no type");
        }
        byte[] stored = new byte[encoded.length + 1];
        stored[0] = type.tag;
        System.arraycopy(encoded, 0, stored, 1, encoded.length);
        String problem = payloadProblem(stored, 0, stored.length);
        if (problem != null) {
            throw new IllegalArgumentException(
                    "attribute " + Checks.quote(name) + ": the codec's bytes are not " + type + ": " + problem);
        }
        return stored;
    }

    /**
     * What is wrong with the stored value in {@code b[from, to)} (type tag, then payload), or null: the tag
     * must be known, text well-formed UTF-8, JSON one value by {@link JsonSyntax}'s rules.
     */
    private static String payloadProblem(byte[] b, int from, int to) {
        if (to == from) {
            return "the value has no type";
        }
        AttributeType type = AttributeType.ofTag(b[from]);
        if (type == null) {
            return "unknown value type 0x" + Integer.toHexString(b[from] & 0xFF);
        }
        return switch (type) {
            case TEXT -> {
                int bad = Text.malformedUtf8(b, from + 1, to);
                yield bad < 0 ? null : "text is not well-formed UTF-8 (byte " + (bad - from - 1) + ")";
            }
            case JSON -> JsonSyntax.problem(b, from + 1, to);
            case BYTES -> null;
        };
    }

    /**
     * A copy with {@code name} set to {@code value} as {@link AttributeType#TEXT}.
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or the value is null or holds an unpaired surrogate
     */
    public Attributes with(String name, String value) {
        return with(name, value, Codecs.utf8());
    }

    /**
     * A copy with {@code name} set to {@code value} as a {@link AttributeType#JSON} number, which
     * {@link #getLong} reads back.
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an
     *                                  unpaired surrogate
     */
    public Attributes with(String name, long value) {
        return with(name, Long.toString(value).getBytes(StandardCharsets.US_ASCII), Codecs.jsonText());
    }

    /**
     * A copy with {@code name} set to {@code value} as {@link AttributeType#JSON} (Jackson must be on the
     * class path).
     *
     * @throws IllegalArgumentException when the name is null, not 1..256 bytes of UTF-8 or holds an unpaired
     *                                  surrogate, or the value is null, or the value has no exact JSON form
     * @throws IllegalStateException when Jackson is not on the class path
     */
    public Attributes withJson(String name, Object value) {
        return with(name, value, Codecs.json());
    }

    /**
     * A copy with every attribute of {@code other} set (overriding same names).
     *
     * @throws IllegalArgumentException when {@code other} is null
     */
    public Attributes withAll(Attributes other) {
        if (other == null) {
            throw new IllegalArgumentException("other must not be null");
        }
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

    /**
     * A copy without the named attributes.
     *
     * @throws IllegalArgumentException when {@code names} is null
     */
    public Attributes without(String... names) {
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values());
        for (String n : names) {
            copy.remove(n);
        }
        return copy.size() == count ? this : wrap(copy);
    }

    /**
     * A copy without the named attributes.
     *
     * @throws IllegalArgumentException when {@code names} is null
     */
    public Attributes without(Set<String> names) {
        if (names == null) {
            throw new IllegalArgumentException("names must not be null");
        }
        return without(names.toArray(String[]::new));
    }

    /**
     * All values decoded by {@code codec} (each from its {@link #getBytes bytes}), in insertion order.
     *
     * @throws IllegalArgumentException when {@code codec} is null
     * @throws CorruptDataException when the codec cannot decode a value; the message names the attribute
     */
    public <T> Map<String, T> toMap(Codec<T> codec) {
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        Map<String, T> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, decode(k, v, codec)));
        return copy;
    }

    /**
     * For backends that keep one entry per attribute: each value in its stored form (a type tag, then the
     * bytes), copied, in insertion order. {@link #fromStoredValues} reads them back.
     */
    public Map<String, byte[]> toStoredValues() {
        Map<String, byte[]> copy = new LinkedHashMap<>(values().size() * 2);
        values().forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * Attributes from values in the form {@link #toStoredValues} gives, each checked (known type, text
     * well-formed UTF-8, JSON one exact value) and copied.
     *
     * @throws IllegalArgumentException when {@code values} is null
     * @throws CorruptDataException when a name is not a valid attribute name or a value is not in stored form
     */
    public static Attributes fromStoredValues(Map<String, byte[]> values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        Map<String, byte[]> copy = new LinkedHashMap<>(values.size() * 2);
        values.forEach((k, v) -> {
            try {
                checkName(k);
            } catch (IllegalArgumentException e) {
                throw new CorruptDataException("stored " + e.getMessage());
            }
            if (v == null) {
                throw new CorruptDataException("stored attribute " + Checks.quote(k) + " has no value");
            }
            String problem = payloadProblem(v, 0, v.length);
            if (problem != null) {
                throw new CorruptDataException("stored attribute " + Checks.quote(k) + ": " + problem);
            }
            copy.put(k, v.clone());
        });
        return wrap(copy);
    }

    /**
     * A compact binary form (count, then length-prefixed UTF-8 names and stored values, each a type tag
     * and its bytes) that {@link #fromBytes} reads back; backends that store one blob per session use it.
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
     * UTF-8 and distinct, values of a known type with well-formed text and JSON, nothing after the last
     * value); values are copied out when first read.
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
        if (count > (end - pos[0]) / 4) {
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
            int bad = Text.malformedUtf8(bytes, at, at + nl);
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
            String problem = payloadProblem(bytes, pos[0], pos[0] + vl);
            if (problem != null) {
                throw new CorruptDataException("attribute " + (i + 1) + " of " + count + ": " + problem);
            }
            pos[0] += vl;
            payload += nl + vl - 1;
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

    /** Bytes of all names (UTF-8) and values (without their type tags): the size the backends' limits apply to. */
    public long byteSize() {
        return payloadBytes;
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
                    .append(AttributeType.ofTag(e.getValue()[0]))
                    .append(' ')
                    .append(e.getValue().length - 1)
                    .append('B');
            sep = ", ";
        }
        return sb.append('}').toString();
    }
}
