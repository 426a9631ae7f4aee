package dev.hourglass.redis;

import static dev.hourglass.redis.Codec.ascii;
import static dev.hourglass.redis.Codec.parseLong;

import dev.hourglass.Attributes;
import dev.hourglass.Page;
import dev.hourglass.Session;
import dev.hourglass.spi.SessionBackend;
import dev.hourglass.StoreException;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScoredValueScanCursor;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
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
 * hash, sets its PEXPIRE and moves the id in its bucket's expiry index, atomically.
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
    }

    byte[] keyOf(String id) {
        byte[] raw = Codec.utf8(id);
        return keys.session(keys.bucket(raw), raw);
    }

    @Override
    public Session put(String id, Attributes attributes, long now, long expiresAt) {
        List<Object> r = engine.eval(Script.PUT, ScriptOutputType.MULTI, keyAndIndex(id), writeArgs(id, attributes, now, expiresAt));
        return new Session(id, attributes, Instant.ofEpochMilli(parseLong((byte[]) r.get(0), "creation time")),
                Instant.ofEpochMilli(now), Instant.ofEpochMilli(expiresAt), parseLong((byte[]) r.get(1), "version"));
    }

    @Override
    public Session createIfAbsent(String id, Attributes attributes, long now, long expiresAt) {
        byte[] v = engine.eval(Script.CREATE, ScriptOutputType.VALUE, keyAndIndex(id), writeArgs(id, attributes, now, expiresAt));
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
        byte[][] args = new byte[5 + 2 * attributes.size()][];
        args[0] = ascii(now);
        args[1] = ascii(expiresAt);
        args[2] = pttl(now, expiresAt);
        args[3] = ascii(ThreadLocalRandom.current().nextLong(1, VERSION_SEED_BOUND));
        args[4] = Codec.utf8(id);
        Codec.putAttributes(args, 5, attributes);
        return args;
    }

    @Override
    public Session merge(String id, Attributes set, Set<String> remove, long now) {
        byte[][] args = new byte[2 + remove.size() + 2 * set.size()][];
        args[0] = ascii(now);
        args[1] = ascii(remove.size());
        int i = 2;
        for (String name : remove) {
            args[i++] = Codec.utf8(name);
        }
        Codec.putAttributes(args, i, set);
        List<Object> hash = engine.eval(Script.MERGE, ScriptOutputType.MULTI, new byte[][] {keyOf(id)}, args);
        return Codec.session(id, hash, now);
    }

    @Override
    public boolean touch(String id, long now, long expiresAt) {
        Long r = engine.eval(Script.TOUCH, ScriptOutputType.INTEGER, keyAndIndex(id), touchArgs(id, now, expiresAt, false));
        return r != null && r == 1L;
    }

    @Override
    public Session getAndTouch(String id, long now, long expiresAt) {
        List<Object> hash = engine.eval(Script.TOUCH, ScriptOutputType.MULTI, keyAndIndex(id), touchArgs(id, now, expiresAt, true));
        return Codec.session(id, hash, now);
    }

    private byte[][] touchArgs(String id, long now, long expiresAt, boolean returnSession) {
        return new byte[][] {ascii(now), ascii(expiresAt), pttl(now, expiresAt), Codec.utf8(id),
                returnSession ? new byte[] {'1'} : new byte[] {'0'}};
    }

    @Override
    public boolean delete(String id, long now) {
        Long r = engine.eval(Script.DELETE, ScriptOutputType.INTEGER, keyAndIndex(id),
                ascii(now), Codec.utf8(id));
        return r != null && r == 1L;
    }

    @Override
    public Session compareAndSet(String id, long expectedVersion, Attributes attributes, long now) {
        byte[][] args = new byte[2 + 2 * attributes.size()][];
        args[0] = ascii(now);
        args[1] = ascii(expectedVersion);
        Codec.putAttributes(args, 2, attributes);
        List<Object> r = engine.eval(Script.CAS, ScriptOutputType.MULTI, new byte[][] {keyOf(id)}, args);
        if (Codec.isNil(r)) {
            return null;
        }
        return new Session(id, attributes, Instant.ofEpochMilli(parseLong((byte[]) r.get(1), "creation time")),
                Instant.ofEpochMilli(now), Instant.ofEpochMilli(parseLong((byte[]) r.get(0), "expiry")),
                parseLong((byte[]) r.get(2), "version"));
    }

    /**
     * Walks the buckets' expiry indexes with ZSCAN, which returns each id with its expiry, so only
     * live ids are listed and no session is read. The cursor is {@code bucket.zscanCursor.skip.count}:
     * ZSCAN may return more than asked, so a page can end inside one ZSCAN step, which the next page
     * repeats with the same COUNT and skips what was already handed out.
     */
    @Override
    public Page<String> ids(String cursor, int limit, long now) {
        int bucket = 0;
        String scan = "0";
        int skip = 0;
        int count = 0;
        if (cursor != null) {
            String[] parts = cursor.split("\\.", -1);
            try {
                bucket = Integer.parseInt(parts[0]);
                scan = parts[1];
                skip = Integer.parseInt(parts[2]);
                count = Integer.parseInt(parts[3]);
                Long.parseUnsignedLong(scan);
            } catch (RuntimeException e) {
                bucket = -1;
            }
            if (parts.length != 4 || bucket < 0 || bucket >= keys.buckets() || skip < 0 || count < 0 || count > 10_000) {
                throw new IllegalArgumentException("cursor is not one this store returned: '" + cursor + "'");
            }
        }
        List<String> ids = new ArrayList<>(Math.min(limit, 1024));
        while (bucket < keys.buckets()) {
            int room = limit - ids.size();
            int stepCount = count > 0 ? count : Math.max(room, 16);
            ScoredValueScanCursor<byte[]> step = engine.await("ids", engine.async().zscan(keys.sessionIndex(bucket),
                    ScanCursor.of(scan), ScanArgs.Builder.limit(stepCount)));
            List<ScoredValue<byte[]>> values = step.getValues();
            for (int i = skip; i < values.size(); i++) {
                if (ids.size() == limit) {
                    return new Page<>(ids, Optional.of(bucket + "." + scan + "." + i + "." + stepCount));
                }
                ScoredValue<byte[]> v = values.get(i);
                if (v.getScore() > now) {
                    ids.add(new String(v.getValue(), StandardCharsets.UTF_8));
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
                        ? new Page<>(ids, Optional.of(bucket + "." + scan + ".0.0"))
                        : new Page<>(ids, Optional.empty());
            }
        }
        return new Page<>(ids, Optional.empty());
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
