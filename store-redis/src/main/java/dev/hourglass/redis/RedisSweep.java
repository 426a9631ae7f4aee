package dev.hourglass.redis;

import static dev.hourglass.redis.Codec.ascii;

import dev.hourglass.ExpiryListener;
import dev.hourglass.spi.SweepTask;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Drains the buckets' expiry indexes: Redis frees expired keys itself, so this only removes what
 * the caller's clock says has expired (keys Redis has not freed yet and index entries), and reports
 * each expired session. Each bucket is drained by one script under the bucket's lease, so one node
 * at a time works on a bucket and a batch costs what expired, not the size of the store; the
 * buckets of one batch are drained together.
 */
final class RedisSweep implements SweepTask {

    private final Engine engine;
    private final Keys keys;
    private final ExpiryListener sink;
    private final byte[] owner = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
    private final byte[] leaseMillis;

    RedisSweep(Engine engine, Keys keys, ExpiryListener sink, long leaseMillis) {
        this.engine = engine;
        this.keys = keys;
        this.sink = sink;
        this.leaseMillis = ascii(leaseMillis);
    }

    @Override
    public int sweep(long now, int batchSize) {
        List<Integer> active = new ArrayList<>(keys.buckets());
        for (int b = 0; b < keys.buckets(); b++) {
            active.add(b);
        }
        int removed = 0;
        byte[] nowBytes = ascii(now);
        while (removed < batchSize && !active.isEmpty()) {
            int remaining = batchSize - removed;
            int per = Math.max(1, remaining / active.size());
            int fire = Math.min(active.size(), remaining);
            List<CompletableFuture<List<Object>>> replies = new ArrayList<>(fire);
            for (int i = 0; i < fire; i++) {
                int b = active.get(i);
                replies.add(engine.evalAsync(
                        Script.SWEEP,
                        ScriptOutputType.MULTI,
                        new byte[][] {keys.sessionIndex(b), keys.streamIndex(b), keys.lease(b)},
                        nowBytes,
                        ascii(per),
                        owner,
                        leaseMillis,
                        keys.sessionPrefix(b),
                        keys.metaPrefix(b),
                        keys.messagesPrefix(b),
                        keys.wakePrefix(b)));
            }
            List<Integer> more = new ArrayList<>();
            for (int i = 0; i < fire; i++) {
                Codec.Swept r = Codec.swept(engine.await("sweep", replies.get(i)));
                if (r.streams() < 0) {
                    continue;
                }
                removed += (int) r.streams();
                for (String id : r.sessions()) {
                    sink.expired(id);
                    removed++;
                }
                if (r.more()) {
                    more.add(active.get(i));
                }
            }
            more.addAll(active.subList(fire, active.size()));
            active = more;
        }
        return removed;
    }

    @Override
    public long backlog(long now) {
        Range<Long> expired = Range.from(Range.Boundary.unbounded(), Range.Boundary.including(now));
        List<RedisFuture<Long>> counts = new ArrayList<>(2 * keys.buckets());
        for (int b = 0; b < keys.buckets(); b++) {
            counts.add(engine.async().zcount(keys.sessionIndex(b), expired));
            counts.add(engine.async().zcount(keys.streamIndex(b), expired));
        }
        long n = 0;
        for (RedisFuture<Long> c : counts) {
            n += engine.await("sweep backlog", c);
        }
        return n;
    }
}
