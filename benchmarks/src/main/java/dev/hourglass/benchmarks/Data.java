package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The data every subject works on: {@link #KEYS} session ids, and a pool of attribute sets of
 * eight JSON-like values of {@value #VALUE_BYTES} bytes each (~1 KiB per session). The pool is
 * shared by every subject, so each writes exactly the same bytes.
 */
final class Data {

    static final int KEYS = Integer.getInteger("bench.keys", 100_000);
    static final int VALUE_BYTES = 120;
    static final Duration TTL = Duration.ofDays(1);
    static final long TTL_MILLIS = TTL.toMillis();
    static final int TTL_SECONDS = (int) TTL.toSeconds();
    static final String[] NAMES = {"jobTitle", "candidate", "stage", "scores", "notes", "tags", "owner", "context"};
    /** The two attributes that merge and update change. */
    static final String[] MERGED = {NAMES[3], NAMES[4]};

    private static final int POOL = 1024;
    private static final String[] IDS = new String[KEYS];
    private static final Attributes[] ATTRIBUTES = new Attributes[POOL];
    private static final Map<String, byte[]>[] MAPS;
    private static final byte[][] BYTES = new byte[POOL][];
    private static final Attributes[] MERGES = new Attributes[POOL];
    private static final byte[] PAYLOAD = json(7, "chunk", VALUE_BYTES);

    static {
        for (int i = 0; i < KEYS; i++) {
            IDS[i] = id(i);
        }
        @SuppressWarnings("unchecked")
        Map<String, byte[]>[] maps = new Map[POOL];
        MAPS = maps;
        for (int p = 0; p < POOL; p++) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            for (int a = 0; a < NAMES.length; a++) {
                m.put(NAMES[a], json(p * 31 + a, NAMES[a], VALUE_BYTES));
            }
            MAPS[p] = m;
            ATTRIBUTES[p] = Attributes.bytes(m);
            BYTES[p] = ATTRIBUTES[p].toBytes();
            Map<String, byte[]> merge = new LinkedHashMap<>();
            for (String n : MERGED) {
                merge.put(n, json(p * 17 + 3, n, VALUE_BYTES));
            }
            MERGES[p] = Attributes.bytes(merge);
        }
    }

    private Data() {}

    /** The id of key {@code i}, 0 <= i < KEYS. */
    static String id(int i) {
        return i < IDS.length && IDS[i] != null ? IDS[i] : String.format("session-%08d", i);
    }

    /** The attributes written for the {@code n}-th write. */
    static Attributes attributes(int n) {
        return ATTRIBUTES[n & (POOL - 1)];
    }

    /** The same attributes as a map of byte values, for subjects that store attributes one by one. */
    static Map<String, byte[]> map(int n) {
        return MAPS[n & (POOL - 1)];
    }

    /** The same attributes in the store's blob form ({@link Attributes#toBytes()}). */
    static byte[] bytes(int n) {
        return BYTES[n & (POOL - 1)];
    }

    /** The two attributes that merge and update set. */
    static Attributes merge(int n) {
        return MERGES[n & (POOL - 1)];
    }

    /** A stream message of {@value #VALUE_BYTES} bytes. */
    static byte[] payload() {
        return PAYLOAD;
    }

    static byte[] json(int seed, String name, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(size);
        sb.append("{\"field\":\"")
                .append(name)
                .append("\",\"n\":")
                .append(r.nextInt(1_000_000))
                .append(",\"ok\":")
                .append(r.nextBoolean())
                .append(",\"text\":\"");
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
        while (sb.length() < size - 2) {
            sb.append(words.charAt(r.nextInt(words.length())));
        }
        sb.setLength(size - 2);
        sb.append("\"}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
