package dev.hourglass.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts, each run by EVALSHA (EVAL once after the server's script cache was flushed).
 *
 * <p>Hash fields: metadata fields start with byte 0xFF and reader markers with 0xFE, bytes that
 * never begin a UTF-8 string, so no attribute or reader name can clash with them. Every script
 * decides liveness by comparing the stored expiry ({@code \255e}) with the caller's {@code now}.
 * Keys get a relative PEXPIRE of the remaining time plus a grace, so Redis frees them even when
 * the caller's clock is not the server's. Sessions and streams keep their bucket's expiry index
 * in step in the same script; all those keys share one hash tag.
 *
 * <p>Indexed attributes (names starting {@code index:}) file the session's id in a set per name and
 * value in the session's bucket ({@link Keys#valueIndexPrefix}), in the same script as the write, so
 * the set and the session share a slot; the field {@code \255i} lists the names the session is filed
 * under (MessagePack), so a later write knows which sets to leave. A set lives as long as its
 * longest-lived member; a lookup drops members that no longer hold the value.
 */
final class Script {

    private static final String LIVE = """
            local function live(e, now) return e and tonumber(e) > now end
            local function hset(key, first, ...)
              local t = {...}
              local n = #ARGV - first + 1
              if n > 7000 then n = 0 end
              for i = 1, n do t[#t + 1] = ARGV[first + i - 1] end
              redis.call('HSET', key, unpack(t))
              if n == 0 then
                for i = first, #ARGV, 1000 do
                  redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
                end
              end
            end
            """;

    /**
     * The session index: {@code filed(key)} is what a session is filed under (name to stored value),
     * {@code named(first)} the indexed attributes among ARGV's name/value pairs from {@code first},
     * and {@code refile} moves the id from the sets of {@code old} to those of {@code new}, each set
     * living at least as long as the session. A stored value is a type tag and the bytes; the bytes
     * are what is indexed.
     */
    private static final String INDEX = """
            local function ikey(ip, n, v) return ip .. #n .. ':' .. n .. string.sub(v, 2) end
            local function indexed(n) return string.sub(n, 1, 6) == 'index:' end
            local function filed(key)
              local t = {}
              local l = redis.call('HGET', key, '\\255i')
              if l then
                for _, n in ipairs(cmsgpack.unpack(l)) do
                  local v = redis.call('HGET', key, n)
                  if v then t[n] = v end
                end
              end
              return t
            end
            local function named(first)
              local t = {}
              for i = first, #ARGV - 1, 2 do
                if indexed(ARGV[i]) then t[ARGV[i]] = ARGV[i + 1] end
              end
              return t
            end
            local function extend(k, pt)
              local t = redis.call('PTTL', k)
              if t == -1 or (t >= 0 and t < pt) then redis.call('PEXPIRE', k, pt) end
            end
            local function refile(key, ip, id, old, new)
              local names = {}
              for n, v in pairs(new) do names[#names + 1] = n end
              if next(old) == nil and #names == 0 then return end
              for n, v in pairs(old) do
                if new[n] ~= v then redis.call('SREM', ikey(ip, n, v), id) end
              end
              local pt = redis.call('PTTL', key)
              for n, v in pairs(new) do
                local k = ikey(ip, n, v)
                if old[n] ~= v then redis.call('SADD', k, id) end
                if pt > 0 then extend(k, pt) end
              end
              if #names > 0 then
                redis.call('HSET', key, '\\255i', cmsgpack.pack(names))
              else
                redis.call('HDEL', key, '\\255i')
              end
            end
            """;

    /** KEYS session, index; ARGV now, expiresAt, pttl, versionSeed, id, valueIndexPrefix, name, value... -> {createdAt, version}. */
    static final Script PUT = new Script("put", LIVE + INDEX + """
            local now = tonumber(ARGV[1])
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255c', '\\255v')
            local created = ARGV[1]
            if live(m[1], now) then created = m[2] end
            local v = ARGV[4]
            if m[3] then v = string.format('%d', tonumber(m[3]) + 1) end
            local old = filed(KEYS[1])
            if m[1] or m[3] then redis.call('DEL', KEYS[1]) end
            hset(KEYS[1], 7, '\\255e', ARGV[2], '\\255c', created, '\\255a', ARGV[1], '\\255v', v)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
            refile(KEYS[1], ARGV[6], ARGV[5], old, named(7))
            return {created, v}
            """);

    /** KEYS session, index; ARGV now, expiresAt, pttl, versionSeed, id, valueIndexPrefix, name, value... -> version or nil. */
    static final Script CREATE = new Script("create", LIVE + INDEX + """
            local now = tonumber(ARGV[1])
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255v')
            if live(m[1], now) then return false end
            local v = ARGV[4]
            if m[2] then v = string.format('%d', tonumber(m[2]) + 1) end
            local old = filed(KEYS[1])
            if m[1] or m[2] then redis.call('DEL', KEYS[1]) end
            hset(KEYS[1], 7, '\\255e', ARGV[2], '\\255c', ARGV[1], '\\255a', ARGV[1], '\\255v', v)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[5])
            refile(KEYS[1], ARGV[6], ARGV[5], old, named(7))
            return v
            """);

    /** KEYS session; ARGV now, id, valueIndexPrefix, removeCount, remove..., name, value... -> the whole hash or nil. */
    static final Script MERGE = new Script("merge", LIVE + INDEX + """
            local now = tonumber(ARGV[1])
            if not live(redis.call('HGET', KEYS[1], '\\255e'), now) then return false end
            local r = tonumber(ARGV[4])
            local old = filed(KEYS[1])
            local new = {}
            for n, v in pairs(old) do new[n] = v end
            for i = 5, 4 + r do new[ARGV[i]] = nil end
            for n, v in pairs(named(5 + r)) do new[n] = v end
            for i = 5, 4 + r, 1000 do
              redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, 4 + r)))
            end
            hset(KEYS[1], 5 + r, '\\255a', ARGV[1])
            redis.call('HINCRBY', KEYS[1], '\\255v', 1)
            refile(KEYS[1], ARGV[3], ARGV[2], old, new)
            return redis.call('HGETALL', KEYS[1])
            """);

    /** KEYS session, index; ARGV now, expiresAt, pttl, id, mode (0: 1/0, 1: the whole hash or nil), valueIndexPrefix. */
    static final Script TOUCH = new Script("touch", LIVE + INDEX + """
            local now = tonumber(ARGV[1])
            if not live(redis.call('HGET', KEYS[1], '\\255e'), now) then
              if ARGV[5] == '1' then return false end
              return 0
            end
            redis.call('HSET', KEYS[1], '\\255e', ARGV[2], '\\255a', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
            for n, v in pairs(filed(KEYS[1])) do extend(ikey(ARGV[6], n, v), tonumber(ARGV[3])) end
            if ARGV[5] == '1' then return redis.call('HGETALL', KEYS[1]) end
            return 1
            """);

    /** KEYS session, index; ARGV now, id, valueIndexPrefix -> 1 when a live session was deleted, else 0. */
    static final Script DELETE = new Script("delete", LIVE + INDEX + """
            local e = redis.call('HGET', KEYS[1], '\\255e')
            redis.call('ZREM', KEYS[2], ARGV[2])
            if not e then return 0 end
            for n, v in pairs(filed(KEYS[1])) do redis.call('SREM', ikey(ARGV[3], n, v), ARGV[2]) end
            redis.call('DEL', KEYS[1])
            if live(e, tonumber(ARGV[1])) then return 1 end
            return 0
            """);

    /** KEYS session; ARGV now, expectedVersion, id, valueIndexPrefix, name, value... -> {expiresAt, createdAt, version} or nil. */
    static final Script CAS = new Script("cas", LIVE + INDEX + """
            local now = tonumber(ARGV[1])
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255c', '\\255v')
            if not live(m[1], now) or m[3] ~= ARGV[2] then return false end
            local pt = redis.call('PTTL', KEYS[1])
            local v = string.format('%d', tonumber(m[3]) + 1)
            local old = filed(KEYS[1])
            redis.call('DEL', KEYS[1])
            hset(KEYS[1], 5, '\\255e', m[1], '\\255c', m[2], '\\255a', ARGV[1], '\\255v', v)
            if pt > 0 then redis.call('PEXPIRE', KEYS[1], pt) end
            refile(KEYS[1], ARGV[4], ARGV[3], old, named(5))
            return {m[1], m[2], v}
            """);

    /**
     * KEYS one value's set of the session index; ARGV now, session key prefix of the bucket, name, the
     * value's bytes -> the ids of live sessions holding the value. Drops members that no longer hold
     * it (their writes would have filed them again had they set it).
     */
    static final Script FIND = Script.reading("find", LIVE + """
            local now = tonumber(ARGV[1])
            local out = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local m = redis.call('HMGET', ARGV[2] .. id, '\\255e', ARGV[3])
              if m[2] and string.sub(m[2], 2) == ARGV[4] then
                if live(m[1], now) then out[#out + 1] = id end
              else
                redis.call('SREM', KEYS[1], id)
              end
            end
            return out
            """);

    /**
     * {@link #FIND} over every bucket at once, for a server that holds them all (not a Cluster):
     * KEYS each bucket's index set for the value; ARGV now, attribute name, value, then each bucket's
     * session key prefix in KEYS' order -> the live matching ids. One call instead of one per bucket.
     */
    static final Script FIND_ALL = Script.reading("find-all", LIVE + """
            local now = tonumber(ARGV[1])
            local out = {}
            for b = 1, #KEYS do
              for _, id in ipairs(redis.call('SMEMBERS', KEYS[b])) do
                local m = redis.call('HMGET', ARGV[3 + b] .. id, '\\255e', ARGV[2])
                if m[2] and string.sub(m[2], 2) == ARGV[3] then
                  if live(m[1], now) then out[#out + 1] = id end
                else
                  redis.call('SREM', KEYS[b], id)
                end
              end
            end
            return out
            """);

    /**
     * KEYS session index, stream index, lease; ARGV now, limit, owner, leaseMillis, session key prefix,
     * stream metadata, messages and wake-up key prefixes -> {-1} when another node holds the
     * lease, else {streams removed, 1 when the bucket may have more else 0, session id...}. Keeps
     * the lease while the bucket has more, and releases it once drained.
     */
    static final Script SWEEP = new Script("sweep", LIVE + """
            local now = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local holder = redis.call('GET', KEYS[3])
            if holder and holder ~= ARGV[3] then return {-1} end
            redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[4])
            local out = {0, 1}
            local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
            for _, id in ipairs(ids) do
              local k = ARGV[5] .. id
              local e = redis.call('HGET', k, '\\255e')
              if live(e, now) then
                redis.call('ZADD', KEYS[1], e, id)
              else
                redis.call('DEL', k)
                redis.call('ZREM', KEYS[1], id)
                out[#out + 1] = id
              end
            end
            local rest = limit - #ids
            if rest > 0 then
              local sids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, rest)
              for _, id in ipairs(sids) do
                local k = ARGV[6] .. id
                local e = redis.call('HGET', k, '\\255e')
                if live(e, now) then
                  redis.call('ZADD', KEYS[2], e, id)
                else
                  redis.call('DEL', k, ARGV[7] .. id, ARGV[8] .. id)
                  redis.call('ZREM', KEYS[2], id)
                  out[1] = out[1] + 1
                end
              end
              rest = rest - #sids
            end
            if rest > 0 then
              redis.call('DEL', KEYS[3])
              out[2] = 0
            end
            return out
            """);

    /** KEYS meta, messages, stream index, wake; ARGV now, expiresAt, pttl, id, name, value... -> 1 opened, 0 live already. */
    static final Script STREAM_OPEN = new Script("stream-open", LIVE + """
            if live(redis.call('HGET', KEYS[1], '\\255e'), tonumber(ARGV[1])) then return 0 end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
            hset(KEYS[1], 5, '\\255e', ARGV[2], '\\255c', ARGV[1], '\\255s', '0', '\\255n', '0')
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
            return 1
            """);

    /**
     * Wakes waiting reads: a message on the stream's wake-up channel, which every store subscribed to
     * it receives (in a Cluster, from any node). Keys of older versions' wake-up streams under that
     * name are deleted with the stream.
     */
    private static final String WAKE = """
            local function wake(channel)
              redis.call('PUBLISH', channel, '1')
            end
            """;

    /** KEYS meta, messages, wake; ARGV now, message -> sequence, -1 absent, -2 - status when closed. */
    static final Script APPEND = new Script("append", LIVE + WAKE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255s')
            if not live(m[1], tonumber(ARGV[1])) then return -1 end
            if m[2] ~= '0' then return -2 - tonumber(m[2]) end
            local n = redis.call('RPUSH', KEYS[2], ARGV[2])
            if n == 1 then
              local pt = redis.call('PTTL', KEYS[1])
              if pt > 0 then redis.call('PEXPIRE', KEYS[2], pt) end
            end
            redis.call('HSET', KEYS[1], '\\255n', n)
            wake(KEYS[3])
            return n
            """);

    /** KEYS meta, wake; ARGV now, status code, reason (may be empty) -> 1 closed, 0 absent, -code when closed. */
    static final Script CLOSE = new Script("close", LIVE + WAKE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255s')
            if not live(m[1], tonumber(ARGV[1])) then return 0 end
            if m[2] ~= '0' then return -tonumber(m[2]) end
            redis.call('HSET', KEYS[1], '\\255s', ARGV[2], '\\255r', ARGV[3])
            wake(KEYS[2])
            return 1
            """);

    /**
     * KEYS meta, messages; ARGV now, marker field -> nil when absent, else {status, reason, count}
     * or {status, reason, sequence, message} after advancing the reader's marker.
     */
    static final Script NEXT = new Script("next", LIVE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255s', '\\255r', '\\255n', ARGV[2])
            if not live(m[1], tonumber(ARGV[1])) then return false end
            local k = tonumber(m[5] or '0')
            if k < tonumber(m[4]) then
              local msg = redis.call('LINDEX', KEYS[2], k)
              if msg then
                redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
                return {m[2], m[3] or '', k + 1, msg}
              end
            end
            return {m[2], m[3] or '', tonumber(m[4])}
            """);

    /**
     * KEYS meta, messages; ARGV now, marker field, lease field, leaseUntil -> nil when absent, else
     * {status, reason, count} when nothing follows the marker, {status, reason, -leaseEnd} while
     * another caller's lease on the next message runs, or {status, reason, sequence, message} after
     * leasing it ({@code sequence:until} in the lease field). The marker does not move.
     */
    static final Script TAKE = new Script("take", LIVE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255s', '\\255r', '\\255n', ARGV[2], ARGV[3])
            local now = tonumber(ARGV[1])
            if not live(m[1], now) then return false end
            local k = tonumber(m[5] or '0')
            if k >= tonumber(m[4]) then return {m[2], m[3] or '', tonumber(m[4])} end
            if m[6] then
              local seq, untl = string.match(m[6], '^(%d+):(%d+)$')
              if tonumber(seq) == k + 1 and tonumber(untl) > now then return {m[2], m[3] or '', -tonumber(untl)} end
            end
            local msg = redis.call('LINDEX', KEYS[2], k)
            if not msg then return {m[2], m[3] or '', tonumber(m[4])} end
            redis.call('HSET', KEYS[1], ARGV[3], (k + 1) .. ':' .. ARGV[4], ARGV[2], k)
            return {m[2], m[3] or '', k + 1, msg}
            """);

    /**
     * KEYS meta, wake; ARGV now, marker field, lease field, sequence -> 1 when the marker moved to the
     * sequence (it was the leased message after the marker), else 0.
     */
    static final Script ACK = new Script("ack", LIVE + WAKE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', ARGV[2], ARGV[3])
            if not live(m[1], tonumber(ARGV[1])) or not m[3] then return 0 end
            local seq = tonumber(ARGV[4])
            local leased = tonumber(string.match(m[3], '^(%d+):'))
            if leased ~= seq or tonumber(m[2] or '0') + 1 ~= seq then return 0 end
            redis.call('HSET', KEYS[1], ARGV[2], seq)
            redis.call('HDEL', KEYS[1], ARGV[3])
            wake(KEYS[2])
            return 1
            """);

    /**
     * KEYS meta, messages; ARGV now, after, limit -> nil when absent, else {status, reason, count,
     * message...}: the messages after sequence {@code after}, at most {@code limit}.
     */
    static final Script READ = Script.reading("read", LIVE + """
            local m = redis.call('HMGET', KEYS[1], '\\255e', '\\255s', '\\255r', '\\255n')
            if not live(m[1], tonumber(ARGV[1])) then return false end
            local n = tonumber(m[4])
            local from = tonumber(ARGV[2])
            local out = {m[2], m[3] or '', n}
            if from < n then
              local to = math.min(n, from + tonumber(ARGV[3])) - 1
              local msgs = redis.call('LRANGE', KEYS[2], from, to)
              for i = 1, #msgs do out[#out + 1] = msgs[i] end
            end
            return out
            """);

    /** KEYS meta, messages, stream index, wake; ARGV now, id -> 1 when a live stream was deleted, else 0. */
    static final Script STREAM_DELETE = new Script("stream-delete", LIVE + WAKE + """
            local e = redis.call('HGET', KEYS[1], '\\255e')
            redis.call('ZREM', KEYS[3], ARGV[2])
            if not e then return 0 end
            redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
            wake(KEYS[4])
            if live(e, tonumber(ARGV[1])) then return 1 end
            return 0
            """);

    static final java.util.List<Script> ALL = java.util.List.of(
            PUT,
            CREATE,
            MERGE,
            TOUCH,
            DELETE,
            CAS,
            FIND,
            FIND_ALL,
            SWEEP,
            STREAM_OPEN,
            APPEND,
            CLOSE,
            NEXT,
            TAKE,
            ACK,
            READ,
            STREAM_DELETE);

    final String name;
    final byte[] source;
    final String sha;

    /**
     * Whether the script changes what a failover must keep (a session, a stream's messages or
     * markers, a limiter's count), so that the option {@code replicas} waits for its replicas.
     */
    final boolean writes;

    /** A script that writes. */
    Script(String name, String source) {
        this(name, source, true);
    }

    private Script(String name, String source, boolean writes) {
        this.name = name;
        this.writes = writes;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            this.sha =
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** A script that only reads (or only drops index entries that a later read drops again). */
    static Script reading(String name, String source) {
        return new Script(name, source, false);
    }

    @Override
    public String toString() {
        return name;
    }
}
