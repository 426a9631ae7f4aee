/**
 * The Redis backend: {@link dev.hourglass.redis.RedisStoreProvider} opens {@code redis://},
 * {@code rediss://}, {@code redis-sentinel://} and {@code redis-cluster://} stores on lettuce.
 *
 * <p>What it costs per session, for a capacity model: one hash (the attributes plus four metadata
 * fields) and one entry in its bucket's expiry index (a sorted set member: the id and a score).
 * Per operation: a read is one HGETALL; every write is one EVALSHA; {@code update} is a read and a
 * compare-and-set; listing is one ZSCAN per bucket step, counting one ZCOUNT per bucket; a sweep
 * batch is one script per bucket that has expired entries to remove. Keys expire by Redis's own
 * PEXPIRE; the expiry index only feeds expiry listeners and keeps counting and listing exact
 * between a session's expiry and Redis freeing it. Tested on Redis 7.0.
 */
package dev.hourglass.redis;
