package dev.hourglass.redis;

import static dev.hourglass.redis.Codec.ascii;
import static dev.hourglass.redis.Codec.parseLong;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.StoreException;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.spi.SessionIndex;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScoredValueScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.protocol.AsyncCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sessions as one hash each. A read is a plain HGETALL whose expiry field is checked here; every
 * write is one script (EVALSHA) that checks liveness against the caller's {@code now}, writes the
 * hash, sets its PEXPIRE and moves the id in its bucket's expiry index and session index,
 * atomically.
 *
 * <p>The session index costs a write that changes an indexed value one SREM and one SADD inside its
 * script (a write of other attributes one HGET more), and a lookup one script per bucket, all sent
 * at once (each reads the set's members), then one HGETALL per match.
 */
final class RedisSessions implements SessionBackend {

    /** New sessions start at a random version so a recreated id never reuses an old version. */
    private static final long VERSION_SEED_BOUND = 1L << 50;

    private final Engine engine;
    private final Keys keys;
    private final long graceMillis;

    RedisSessions(Engine engine, Keys keys, long graceMillis) {
        this.engine = engine;
        this.keys = keys;
        this.graceMillis = graceMillis;
    }

    private byte[] pttl(long now, long expiresAt) {
        return ascii(Math.max(1, expiresAt - now + graceMillis));
    }

    @Override
    public Session get(String id, long now) {
        Codec.SessionReader reader = new Codec.SessionReader(16);
        engine.await("get", engine.async().hgetall(reader, keyOf(id)));
        return reader.session(id, now);
    }

    /** One HGETALL per id, all written to the socket at once before the first reply is awaited. */
    @Override
    public Map<String, Session> getAll(Collection<String> ids, long now) {
        List<AsyncCommand<byte[], byte[], Long>> commands = new ArrayList<>(ids.size());
        List<Codec.SessionReader> readers = new ArrayList<>(ids.size());
        for (String id : ids) {
            Codec.SessionReader reader = new Codec.SessionReader(16);
            readers.add(reader);
            commands.add(Engine.hgetallCommand(keyOf(id), reader));
        }
        engine.dispatch(commands);
        long deadline = engine.deadline();
        Map<String, Session> found = new LinkedHashMap<>();
        int i = 0;
        for (String id : ids) {
            engine.awaitUntil("getAll", commands.get(i), deadline);
            Session s = readers.get(i++).session(id, now);
            if (s != null) {
                found.put(id, s);
            }
        }
        return found;
    }

    /**
     * One put script per session, all written at once before the first reply is awaited; a script
     * the server lost (SCRIPT FLUSH, failover) is sent again with EVAL for the sessions that need it.
     */
    @Override
    public void putAll(Map<String, Attributes> sessions, long now, long expiresAt) {
        List<AsyncCommand<byte[], byte[], List<Object>>> commands = new ArrayList<>(sessions.size());
        List<byte[][]> keyList = new ArrayList<>(sessions.size());
        List<byte[][]> argList = new ArrayList<>(sessions.size());
        sessions.forEach((id, attributes) -> {
            byte[][] k = keyAndIndex(id);
            byte[][] a = writeArgs(id, attributes, now, expiresAt);
            keyList.add(k);
            argList.add(a);
            commands.add(Engine.evalshaCommand(Script.PUT, k, a));
        });
        engine.dispatch(commands);
        long deadline = engine.deadline();
        for (int i = 0; i < commands.size(); i++) {
            try {
                engine.awaitUntil("putAll", commands.get(i), deadline);
            } catch (StoreException e) {
                if (!(e.getCause() instanceof RedisNoScriptException)) {
                    throw e;
                }
                engine.eval(Script.PUT, ScriptOutputType.MULTI, keyList.get(i), argList.get(i));
            }
        }
        engine.awaitReplicas("putAll", keyList.stream().map(k -> k[0]).toList(), deadline);
    }

    byte[] keyOf(String id) {
        byte[] raw = Codec.utf8(id);
        return keys.session(keys.bucket(raw), raw);
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        List<Object> r = engine.eval(
                Script.PUT, ScriptOutputType.MULTI, keyAndIndex(id), writeArgs(id, attributes, now, expiresAt));
        return Codec.putReply(id, r, attributes, now, expiresAt);
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        byte[] v = engine.eval(
                Script.CREATE, ScriptOutputType.VALUE, keyAndIndex(id), writeArgs(id, attributes, now, expiresAt));
        if (v == null) {
            return null;
        }
        Instant t = Instant.ofEpochMilli(now);
        return new Session(id, attributes, t, t, Instant.ofEpochMilli(expiresAt), parseLong(v, "version"));
    }

    byte[][] keyAndIndex(String id) {
        byte[] raw = Codec.utf8(id);
        int b = keys.bucket(raw);
        return new byte[][] {keys.session(b, raw), keys.sessionIndex(b)};
    }

    byte[][] writeArgs(String id, Attributes attributes, long now, long expiresAt) {
        byte[] raw = Codec.utf8(id);
        byte[][] args = new byte[6 + 2 * attributes.size()][];
        args[0] = ascii(now);
        args[1] = ascii(expiresAt);
        args[2] = pttl(now, expiresAt);
        args[3] = ascii(ThreadLocalRandom.current().nextLong(1, VERSION_SEED_BOUND));
        args[4] = raw;
        args[5] = keys.valueIndexPrefix(keys.bucket(raw));
        Codec.putAttributes(args, 6, attributes);
        return args;
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        byte[] raw = Codec.utf8(id);
        byte[][] args = new byte[4 + remove.size() + 2 * set.size()][];
        args[0] = ascii(now);
        args[1] = raw;
        args[2] = keys.valueIndexPrefix(keys.bucket(raw));
        args[3] = ascii(remove.size());
        int i = 4;
        for (String name : remove) {
            args[i++] = Codec.utf8(name);
        }
        Codec.putAttributes(args, i, set);
        List<Object> hash = engine.eval(Script.MERGE, ScriptOutputType.MULTI, new byte[][] {keyOf(id)}, args);
        return Codec.session(id, hash, now);
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        Long r = engine.eval(
                Script.TOUCH, ScriptOutputType.INTEGER, keyAndIndex(id), touchArgs(id, now, expiresAt, false));
        return r != null && r == 1L;
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        List<Object> hash =
                engine.eval(Script.TOUCH, ScriptOutputType.MULTI, keyAndIndex(id), touchArgs(id, now, expiresAt, true));
        return Codec.session(id, hash, now);
    }

    private byte[][] touchArgs(String id, long now, long expiresAt, boolean returnSession) {
        return new byte[][] {
            ascii(now),
            ascii(expiresAt),
            pttl(now, expiresAt),
            Codec.utf8(id),
            returnSession ? new byte[] {'1'} : new byte[] {'0'},
            keys.valueIndexPrefix(keys.bucket(Codec.utf8(id)))
        };
    }

    @Override
    public boolean delete(String id, long now) {
        byte[] raw = Codec.utf8(id);
        Long r = engine.eval(
                Script.DELETE,
                ScriptOutputType.INTEGER,
                keyAndIndex(id),
                ascii(now),
                raw,
                keys.valueIndexPrefix(keys.bucket(raw)));
        return r != null && r == 1L;
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        byte[] raw = Codec.utf8(id);
        byte[][] args = new byte[4 + 2 * attributes.size()][];
        args[0] = ascii(now);
        args[1] = ascii(expectedVersion);
        args[2] = raw;
        args[3] = keys.valueIndexPrefix(keys.bucket(raw));
        Codec.putAttributes(args, 4, attributes);
        List<Object> r = engine.eval(Script.CAS, ScriptOutputType.MULTI, new byte[][] {keyOf(id)}, args);
        return Codec.casReply(id, r, attributes, now);
    }

    /**
     * One find script over every bucket (on a Cluster, one per bucket, all written at once, with EVAL
     * again for those whose script the server lost), then the matches read with one pipelined HGETALL
     * each and checked once more.
     */
    @Override
    public Map<String, Session> findByIndex(String name, byte[] value, int limit, long now) {
        int buckets = keys.buckets();
        if (!engine.clustered()) {
            byte[][] k = new byte[buckets][];
            byte[][] a = new byte[3 + buckets][];
            a[0] = ascii(now);
            a[1] = Codec.utf8(name);
            a[2] = value;
            for (int b = 0; b < buckets; b++) {
                k[b] = keys.valueIndex(b, name, value);
                a[3 + b] = keys.sessionPrefix(b);
            }
            List<Object> r = engine.eval(Script.FIND_ALL, ScriptOutputType.MULTI, k, a);
            List<String> ids = new ArrayList<>(Math.min(r.size(), limit));
            for (int i = 0; i < r.size() && ids.size() < limit; i++) {
                ids.add(Codec.text(
                        Codec.bytes(r, i, "session id in the session index"), "session id in the session index"));
            }
            return SessionIndex.matches(getAll(ids, now), name, value, limit, now);
        }
        List<AsyncCommand<byte[], byte[], List<Object>>> commands = new ArrayList<>(buckets);
        List<byte[][]> keyList = new ArrayList<>(buckets);
        List<byte[][]> argList = new ArrayList<>(buckets);
        byte[] n = Codec.utf8(name);
        byte[] at = ascii(now);
        for (int b = 0; b < buckets; b++) {
            byte[][] k = {keys.valueIndex(b, name, value)};
            byte[][] a = {at, keys.sessionPrefix(b), n, value};
            keyList.add(k);
            argList.add(a);
            commands.add(Engine.evalshaCommand(Script.FIND, k, a));
        }
        engine.dispatch(commands);
        long deadline = engine.deadline();
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            List<Object> r;
            try {
                r = engine.awaitUntil("findByIndex", commands.get(b), deadline);
            } catch (StoreException e) {
                if (!(e.getCause() instanceof RedisNoScriptException)) {
                    throw e;
                }
                r = engine.eval(Script.FIND, ScriptOutputType.MULTI, keyList.get(b), argList.get(b));
            }
            for (int i = 0; i < r.size() && ids.size() < limit; i++) {
                ids.add(Codec.text(
                        Codec.bytes(r, i, "session id in the session index"), "session id in the session index"));
            }
        }
        return SessionIndex.matches(getAll(ids, now), name, value, limit, now);
    }

    /**
     * Walks the buckets' expiry indexes with ZSCAN, which returns each id with its expiry, so only
     * live ids are listed and no session is read. The cursor is {@code bucket.zscanCursor.skip.count}
     * (see {@link Cursor}): ZSCAN may return more than asked, so a page can end inside one ZSCAN
     * step, which the next page repeats with the same COUNT and skips what was already handed out.
     */
    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        Cursor at = cursor == null ? Cursor.START : Cursor.parse(cursor, keys.buckets());
        int bucket = at.bucket();
        String scan = at.scan();
        int skip = at.skip();
        int count = at.count();
        List<String> ids = new ArrayList<>(Math.min(limit, 1024));
        while (bucket < keys.buckets()) {
            int room = limit - ids.size();
            int stepCount = count > 0 ? count : Math.max(room, 16);
            ScoredValueScanCursor<byte[]> step = engine.await(
                    "ids",
                    engine.async()
                            .zscan(keys.sessionIndex(bucket), ScanCursor.of(scan), ScanArgs.Builder.limit(stepCount)));
            List<ScoredValue<byte[]>> values = step.getValues();
            for (int i = skip; i < values.size(); i++) {
                if (ids.size() == limit) {
                    return new Page<>(ids, Optional.of(new Cursor(bucket, scan, i, stepCount).toString()));
                }
                ScoredValue<byte[]> v = values.get(i);
                if (v.getScore() > now) {
                    ids.add(Codec.text(v.getValue(), "session id in an expiry index"));
                }
            }
            skip = 0;
            count = 0;
            if (step.isFinished()) {
                bucket++;
                scan = "0";
            } else {
                scan = step.getCursor();
            }
            if (ids.size() == limit) {
                return bucket < keys.buckets()
                        ? new Page<>(ids, Optional.of(new Cursor(bucket, scan, 0, 0).toString()))
                        : new Page<>(ids, Optional.empty());
            }
        }
        return new Page<>(ids, Optional.empty());
    }

    /**
     * A listing position, written {@code bucket.zscanCursor.skip.count}: the bucket (below the
     * store's bucket count), Redis's ZSCAN cursor (an unsigned 64-bit decimal), how many entries of
     * that ZSCAN step were already handed out, and the step's COUNT (0 for a fresh step). Each part
     * is plain decimal digits in range; anything else is refused before Redis is asked.
     */
    record Cursor(int bucket, String scan, int skip, int count) {

        static final Cursor START = new Cursor(0, "0", 0, 0);
        static final int MAX_COUNT = 10_000;
        static final int MAX_SKIP = 1_000_000;
        /** The longest cursor this store writes: 5 + 20 + 7 + 5 digits and three dots. */
        static final int MAX_LENGTH = 40;

        static Cursor parse(String cursor, int buckets) {
            String[] parts = cursor.length() > MAX_LENGTH ? new String[0] : cursor.split("\\.", -1);
            if (parts.length != 4) {
                throw invalid(cursor);
            }
            long bucket = number(parts[0], 5, cursor);
            String scan = parts[1];
            long skip = number(parts[2], 7, cursor);
            long count = number(parts[3], 5, cursor);
            if (scan.length() > 20 || !digits(scan)) {
                throw invalid(cursor);
            }
            try {
                Long.parseUnsignedLong(scan);
            } catch (NumberFormatException e) {
                throw invalid(cursor);
            }
            if (bucket >= buckets || count > MAX_COUNT || skip > MAX_SKIP || (count == 0 && skip != 0)) {
                throw invalid(cursor);
            }
            return new Cursor((int) bucket, scan, (int) skip, (int) count);
        }

        private static long number(String part, int maxDigits, String cursor) {
            if (part.length() > maxDigits || !digits(part)) {
                throw invalid(cursor);
            }
            return Long.parseLong(part);
        }

        /** Canonical decimal digits: at least one, and no leading zero but in "0". */
        private static boolean digits(String s) {
            if (s.isEmpty() || (s.length() > 1 && s.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }

        static IllegalArgumentException invalid(String cursor) {
            return new IllegalArgumentException("cursor is not one this store returned: " + abbreviate(cursor));
        }

        /** The cursor for a message: at most 64 characters, non-printable ones escaped. */
        static String abbreviate(String cursor) {
            StringBuilder s = new StringBuilder("'");
            for (int i = 0; i < cursor.length() && i < 64; i++) {
                char c = cursor.charAt(i);
                if (c >= 0x20 && c < 0x7F && c != '\'' && c != '\\') {
                    s.append(c);
                } else {
                    s.append(String.format("\\u%04X", (int) c));
                }
            }
            return s.append(cursor.length() > 64 ? "'..." : "'").toString();
        }

        @Override
        public String toString() {
            return bucket + "." + scan + "." + skip + "." + count;
        }
    }

    /** Live sessions from the expiry indexes: one ZCOUNT per bucket, sent together. */
    @Override
    public long count(long now) {
        Range<Long> live = Range.from(Range.Boundary.excluding(now), Range.Boundary.unbounded());
        List<RedisFuture<Long>> counts = new ArrayList<>(keys.buckets());
        for (int b = 0; b < keys.buckets(); b++) {
            counts.add(engine.async().zcount(keys.sessionIndex(b), live));
        }
        long n = 0;
        for (RedisFuture<Long> c : counts) {
            n += engine.await("count", c);
        }
        return n;
    }
}
