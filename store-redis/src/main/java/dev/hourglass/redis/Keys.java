package dev.hourglass.redis;

import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The key layout. Every id falls in one of {@code buckets} buckets by a hash of its UTF-8 bytes;
 * each bucket has a hash tag chosen so that the buckets spread evenly over the 16,384 Cluster slots.
 * All keys of one id (a session, or a stream's metadata and messages) and the bucket's expiry
 * indexes and sweep lease carry the bucket's tag, so one script can update a key and its index in
 * one slot. The id follows the tag verbatim: braces, glob characters or colons inside an id can
 * neither move its key to another slot nor make it collide with another key.
 *
 * <pre>
 *   {prefix}s{tag}{id}   session hash         {prefix}i{tag}   session expiry index (zset id -> expiresAt)
 *   {prefix}m{tag}{id}   stream metadata hash {prefix}j{tag}   stream expiry index
 *   {prefix}q{tag}{id}   stream messages list {prefix}l{tag}   sweep lease
 *   {prefix}w{tag}{id}   stream wake-up channel (PUBLISH on append, close, ack and delete; a key of
 *                        that name, left by older versions, is deleted with the stream)
 *   {prefix}x{tag}{n}:{name}{value}   session index: a set of the bucket's ids whose attribute name
 *                        (n bytes of UTF-8) holds the value's bytes
 *   {prefix}layout       the layout version and bucket count, checked when a store opens
 * </pre>
 */
final class Keys {

    private final byte[] prefix;
    private final int mask;
    private final byte[][] sessionPrefix;
    private final byte[][] metaPrefix;
    private final byte[][] messagesPrefix;
    private final byte[][] wakePrefix;
    private final byte[][] sessionIndex;
    private final byte[][] streamIndex;
    private final byte[][] lease;
    private final byte[][] valueIndex;

    Keys(String prefix, int buckets) {
        if (Integer.bitCount(buckets) != 1 || buckets > SlotHash.SLOT_COUNT) {
            throw new IllegalArgumentException("buckets must be a power of two up to 16384, was " + buckets);
        }
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.mask = buckets - 1;
        String[] tags = tags(buckets);
        sessionPrefix = new byte[buckets][];
        metaPrefix = new byte[buckets][];
        messagesPrefix = new byte[buckets][];
        wakePrefix = new byte[buckets][];
        sessionIndex = new byte[buckets][];
        streamIndex = new byte[buckets][];
        lease = new byte[buckets][];
        valueIndex = new byte[buckets][];
        for (int b = 0; b < buckets; b++) {
            String tag = "{" + tags[b] + "}";
            sessionPrefix[b] = bytes(prefix + "s" + tag);
            metaPrefix[b] = bytes(prefix + "m" + tag);
            messagesPrefix[b] = bytes(prefix + "q" + tag);
            wakePrefix[b] = bytes(prefix + "w" + tag);
            sessionIndex[b] = bytes(prefix + "i" + tag);
            streamIndex[b] = bytes(prefix + "j" + tag);
            lease[b] = bytes(prefix + "l" + tag);
            valueIndex[b] = bytes(prefix + "x" + tag);
        }
    }

    /** For bucket b the shortest decimal tag whose slot is {@code b * 16384 / buckets}. */
    static String[] tags(int buckets) {
        int step = SlotHash.SLOT_COUNT / buckets;
        String[] tags = new String[buckets];
        int found = 0;
        for (int n = 0; found < buckets; n++) {
            String candidate = Integer.toString(n, 36);
            int slot = SlotHash.getSlot(candidate);
            if (slot % step == 0 && tags[slot / step] == null) {
                tags[slot / step] = candidate;
                found++;
            }
        }
        return tags;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    int buckets() {
        return mask + 1;
    }

    /** The bucket of an id: a murmur3-finalized FNV-1a hash of its UTF-8 bytes. Part of the data format. */
    int bucket(byte[] id) {
        int h = 0x811C9DC5;
        for (byte b : id) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h & mask;
    }

    static byte[] id(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    byte[] session(int bucket, byte[] id) {
        return concat(sessionPrefix[bucket], id);
    }

    byte[] sessionPrefix(int bucket) {
        return sessionPrefix[bucket];
    }

    byte[] meta(int bucket, byte[] id) {
        return concat(metaPrefix[bucket], id);
    }

    byte[] metaPrefix(int bucket) {
        return metaPrefix[bucket];
    }

    byte[] messages(int bucket, byte[] id) {
        return concat(messagesPrefix[bucket], id);
    }

    byte[] wake(int bucket, byte[] id) {
        return concat(wakePrefix[bucket], id);
    }

    byte[] wakePrefix(int bucket) {
        return wakePrefix[bucket];
    }

    byte[] messagesPrefix(int bucket) {
        return messagesPrefix[bucket];
    }

    byte[] sessionIndex(int bucket) {
        return sessionIndex[bucket];
    }

    byte[] streamIndex(int bucket) {
        return streamIndex[bucket];
    }

    byte[] lease(int bucket) {
        return lease[bucket];
    }

    /** The prefix of the bucket's session index sets, which the scripts complete with a name and value. */
    byte[] valueIndexPrefix(int bucket) {
        return valueIndex[bucket];
    }

    /** The bucket's set of ids whose attribute {@code name} holds {@code value}. */
    byte[] valueIndex(int bucket, String name, byte[] value) {
        byte[] n = bytes(name);
        return concat(concat(valueIndex[bucket], bytes(n.length + ":")), concat(n, value));
    }

    byte[] layout() {
        return concat(prefix, bytes("layout"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
