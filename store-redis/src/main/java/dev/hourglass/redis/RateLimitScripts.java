package dev.hourglass.redis;

/**
 * The limiter scripts: each decision is one EVALSHA on one key, so it runs on one Cluster slot.
 * They mirror the rules of {@link dev.hourglass.spi.LimiterStates}: the caller's {@code now}
 * decides, stored times are compared with it, and every write ends with a relative PEXPIRE of the
 * time the state still matters plus the grace. Numbers are written with {@code %d} (limits keep
 * every value below 2^53, exact in Lua).
 */
final class RateLimitScripts {

    private RateLimitScripts() {}

    /** Reads a state string of whole numbers separated by ':' into a table (empty when absent or not such a string). */
    private static final String FIELDS = """
            local function fields(v)
              local t = {}
              if v then
                for x in string.gmatch(v, '[^:]+') do t[#t + 1] = tonumber(x) end
              end
              return t
            end
            """;

    /**
     * KEYS quota string ({@code end:count}); ARGV now, limit, n, end of a new window, grace ->
     * {admitted, count, window end}. A take in a live window is one GET and, when admitted, one SET
     * that keeps the key's expiry.
     */
    static final Script QUOTA = new Script("limiter-quota", FIELDS + """
            local now = tonumber(ARGV[1])
            local n = tonumber(ARGV[3])
            local m = fields(redis.call('GET', KEYS[1]))
            local e = m[1]
            local c = m[2]
            if not e or not c or e <= now then
              e = tonumber(ARGV[4])
              redis.call('SET', KEYS[1], ARGV[4] .. ':' .. ARGV[3], 'PX', string.format('%d', e - now + tonumber(ARGV[5])))
              return {1, n, e}
            end
            if c + n > tonumber(ARGV[2]) then return {0, c, e} end
            c = c + n
            redis.call('SET', KEYS[1], string.format('%d:%d', e, c), 'KEEPTTL')
            return {1, c, e}
            """);

    /**
     * KEYS window zset (one member per admitted event, scored by its time); ARGV now, limit, n,
     * window, grace, member token -> {admitted, count, when a retry could pass, when the last event leaves}.
     */
    static final Script EXACT = new Script("limiter-exact", """
            local now = tonumber(ARGV[1])
            local n = tonumber(ARGV[3])
            local span = tonumber(ARGV[4])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now - span))
            local c = redis.call('ZCARD', KEYS[1])
            if c + n <= tonumber(ARGV[2]) then
              for from = 1, n, 500 do
                local t = {}
                for i = from, math.min(n, from + 499) do
                  t[#t + 1] = ARGV[1]
                  t[#t + 1] = ARGV[6] .. ':' .. i
                end
                redis.call('ZADD', KEYS[1], unpack(t))
              end
              c = c + n
              local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
              local lastAt = tonumber(last[2])
              redis.call('PEXPIRE', KEYS[1], string.format('%d', lastAt + span - now + tonumber(ARGV[5])))
              return {1, c, 0, lastAt + span}
            end
            local need = c + n - tonumber(ARGV[2])
            local r = redis.call('ZRANGE', KEYS[1], need - 1, need - 1, 'WITHSCORES')
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            return {0, c, tonumber(r[2]) + span, tonumber(last[2]) + span}
            """);

    /**
     * KEYS window string ({@code start:previous:current}, the aligned start and the two counts);
     * ARGV now, limit, n, window, grace -> {admitted, previous, current, start}.
     */
    static final Script APPROXIMATE = new Script("limiter-approximate", FIELDS + """
            local now = tonumber(ARGV[1])
            local n = tonumber(ARGV[3])
            local span = tonumber(ARGV[4])
            local start = now - (now % span)
            local m = fields(redis.call('GET', KEYS[1]))
            local s = m[1]
            local prev = 0
            local cur = 0
            if s and s >= start then
              start = s
              prev = m[2] or 0
              cur = m[3] or 0
            elseif s and s == start - span then
              prev = m[3] or 0
            end
            local elapsed = math.max(0, now - start)
            local w = 0
            if prev > 0 and elapsed < span then w = math.floor(prev * (span - elapsed) / span) end
            local ok = 0
            if w + cur + n <= tonumber(ARGV[2]) then
              cur = cur + n
              ok = 1
            end
            if ok == 1 or not s then
              redis.call('SET', KEYS[1], string.format('%d:%d:%d', start, prev, cur),
                  'PX', string.format('%d', start + 2 * span - now + tonumber(ARGV[5])))
            end
            return {ok, prev, cur, start}
            """);

    /**
     * KEYS bucket string ({@code credit:last refill}); ARGV now, n, capacity, refill tokens, refill
     * period, grace -> {admitted, credit, last refill}. One token is one period (ms) of credit; a full
     * bucket is deleted, and a kept one expires when its refill from the last refill time would fill it.
     */
    static final Script BUCKET = new Script("limiter-bucket", FIELDS + """
            local now = tonumber(ARGV[1])
            local rate = tonumber(ARGV[4])
            local period = tonumber(ARGV[5])
            local full = tonumber(ARGV[3]) * period
            local function fill(gap)
              local t = math.floor(gap / rate)
              if t * rate < gap then t = t + 1 end
              return t
            end
            local credit = full
            local last = now
            local m = fields(redis.call('GET', KEYS[1]))
            local stored = m[1] and m[2]
            if stored then
              credit = math.min(m[1], full)
              last = m[2]
              local elapsed = math.max(0, now - last)
              if elapsed >= fill(full - credit) then credit = full else credit = credit + elapsed * rate end
              if now > last then last = now end
            end
            local need = tonumber(ARGV[2]) * period
            local ok = 0
            if credit >= need then
              credit = credit - need
              ok = 1
            end
            if credit >= full then
              if stored then redis.call('DEL', KEYS[1]) end
            else
              redis.call('SET', KEYS[1], string.format('%d:%d', credit, last),
                  'PX', string.format('%d', last - now + fill(full - credit) + tonumber(ARGV[6])))
            end
            return {ok, credit, last}
            """);

    private static final String LAST_LEASE = """
            local function expireWithLastLease(key, now, grace)
              local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
              if last[2] then
                redis.call('PEXPIRE', key, string.format('%d', tonumber(last[2]) - now + grace))
              end
            end
            """;

    /**
     * KEYS permits zset (id scored by lease end); ARGV now, max, id, lease end, grace -> {1, in use}
     * when granted, {0, in use, earliest lease end} when not. Ended leases are removed first.
     */
    static final Script ACQUIRE = new Script("limiter-acquire", LAST_LEASE + """
            local now = tonumber(ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            local c = redis.call('ZCARD', KEYS[1])
            if c < tonumber(ARGV[2]) then
              redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
              expireWithLastLease(KEYS[1], now, tonumber(ARGV[5]))
              return {1, c + 1}
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return {0, c, tonumber(first[2])}
            """);

    /** KEYS permits zset; ARGV now, id, lease end, grace -> 1 when a live permit was renewed, else 0. */
    static final Script RENEW = new Script("limiter-renew", LAST_LEASE + """
            local now = tonumber(ARGV[1])
            local s = redis.call('ZSCORE', KEYS[1], ARGV[2])
            if not s or tonumber(s) <= now then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
            expireWithLastLease(KEYS[1], now, tonumber(ARGV[4]))
            return 1
            """);

    /** KEYS permits zset; ARGV now, id -> 1 when a live permit was released, else 0. */
    static final Script RELEASE = new Script("limiter-release", """
            local s = redis.call('ZSCORE', KEYS[1], ARGV[2])
            if not s then return 0 end
            redis.call('ZREM', KEYS[1], ARGV[2])
            if tonumber(s) <= tonumber(ARGV[1]) then return 0 end
            return 1
            """);

    /** KEYS permits zset; ARGV now -> the permits whose lease ends after now. */
    static final Script IN_USE = Script.reading("limiter-in-use", """
            return redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
            """);
}
