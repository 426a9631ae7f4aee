package dev.hourglass.spi;

import dev.hourglass.CorruptDataException;
import dev.hourglass.Permit;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.RateDecision;
import dev.hourglass.RateLimit;
import dev.hourglass.SlidingWindow;
import dev.hourglass.TokenBucket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The limiter rules over one stored value per key, shared by the backends that keep limiter state
 * as bytes (and mirrored by the Redis scripts). Each function takes the current bytes (null when
 * absent or expired) and returns the new bytes, their expiry and the answer. Decoding checks every
 * length and count: bytes that do not decode give {@link CorruptDataException}.
 *
 * <p>Layouts (big-endian): a kind byte, then for a quota the window end and count; for an exact
 * window a count of entries and per entry a time and a count (times ascending); for an
 * approximate window the current window's start and the previous and current counts; for a bucket
 * the credit and the time of the last refill; for permits a count of entries and per entry the
 * lease end, the id's length and the id in UTF-8.
 */
public final class LimiterStates {

    static final byte QUOTA = 1;
    static final byte EXACT = 2;
    static final byte APPROX = 3;
    static final byte BUCKET = 4;
    static final byte PERMITS = 5;

    /** A permits state that holds none. */
    private static final byte[] NO_PERMITS = {PERMITS, 0, 0};

    /** The length of a quota's state: kind, window end, count. */
    public static final int QUOTA_BYTES = 17;

    private LimiterStates() {}

    /** Limiter decisions over {@code cells}, one atomic update per decision. */
    public static LimiterBackend over(LimiterCells cells) {
        return new LimiterBackend() {
            @Override
            public RateDecision take(String key, RateLimit limit, long n, long now) {
                return cells.update(key, now, s -> LimiterStates.take(key, limit, s, n, now));
            }

            @Override
            public PermitDecision acquire(String key, Permits permits, String permitId, long now, long leaseEnd) {
                return cells.update(key, now, s -> LimiterStates.acquire(key, permits, s, permitId, now, leaseEnd));
            }

            @Override
            public boolean renew(String key, String permitId, long now, long leaseEnd) {
                return cells.update(key, now, s -> LimiterStates.renew(key, s, permitId, now, leaseEnd));
            }

            @Override
            public boolean release(String key, String permitId, long now) {
                return cells.update(key, now, s -> LimiterStates.release(key, s, permitId, now));
            }

            @Override
            public long inUse(String key, long now) {
                return cells.update(key, now, s -> LimiterStates.inUse(key, s, now));
            }
        };
    }

    /** One take under {@code limit}. */
    public static LimiterCells.Update<RateDecision> take(String key, RateLimit limit, byte[] state, long n, long now) {
        if (limit instanceof Quota q) {
            return quota(key, q, state, n, now);
        }
        if (limit instanceof SlidingWindow w) {
            return w.exact() ? exact(key, w, state, n, now) : approximate(key, w, state, n, now);
        }
        return bucket(key, (TokenBucket) limit, state, n, now);
    }

    private static LimiterCells.Update<RateDecision> quota(String key, Quota q, byte[] state, long n, long now) {
        long end;
        long count;
        if (state == null) {
            end = q.windowEnd(now);
            count = 0;
        } else {
            end = quotaEnd(key, state);
            count = quotaCount(key, state);
            if (end <= now) {
                end = q.windowEnd(now);
                count = 0;
            }
        }
        boolean admitted = plus(count, n) <= q.limit();
        if (admitted) {
            count += n;
        }
        return new LimiterCells.Update<>(
                quotaState(end, count), end, admitted || state == null, quotaAnswer(q, admitted, count, end, now));
    }

    /**
     * Milliseconds from {@code now} to {@code at}, 0 when it is past; saturating, since stored times
     * come from storage and may be anything a damaged or hostile state holds.
     */
    static long until(long at, long now) {
        long d = at - now;
        if (((at ^ now) & (at ^ d)) < 0) {
            return at > now ? Long.MAX_VALUE : 0;
        }
        return Math.max(0, d);
    }

    /** {@code a + b}, saturating at the ends of the long range. */
    static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /** A quota's stored bytes: its kind, the window's end and the count taken in it. */
    public static byte[] quotaState(long end, long count) {
        return ByteBuffer.allocate(QUOTA_BYTES)
                .put(QUOTA)
                .putLong(end)
                .putLong(count)
                .array();
    }

    /**
     * The count of a quota's stored bytes.
     *
     * @throws CorruptDataException when the bytes are not a quota's
     */
    public static long quotaCount(String key, byte[] state) {
        return nonNegative(key, open(key, state, QUOTA, QUOTA_BYTES).getLong(9));
    }

    private static long quotaEnd(String key, byte[] state) {
        return open(key, state, QUOTA, QUOTA_BYTES).getLong(1);
    }

    /** The answer of a quota from its window's end and its count after the decision. */
    public static RateDecision quotaAnswer(Quota q, boolean admitted, long count, long end, long now) {
        Duration reset = Duration.ofMillis(until(end, now));
        return new RateDecision(
                admitted, q.limit(), Math.max(0, q.limit() - count), admitted ? Duration.ZERO : reset, reset);
    }

    private static LimiterCells.Update<RateDecision> exact(
            String key, SlidingWindow w, byte[] state, long n, long now) {
        long span = w.window().toMillis();
        long[] times;
        long[] counts;
        int k;
        int stored = 0;
        if (state == null) {
            times = new long[1];
            counts = new long[1];
            k = 0;
        } else {
            ByteBuffer b = open(key, state, EXACT, 5);
            stored = b.getInt();
            if (stored < 0 || (long) stored * 16 != state.length - 5) {
                throw corrupt(key, "holds " + stored + " window entries in " + state.length + " bytes");
            }
            times = new long[stored + 1];
            counts = new long[stored + 1];
            k = 0;
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < stored; i++) {
                long t = b.getLong();
                long c = b.getLong();
                // no window admits more than MAX_EXACT_LIMIT, so a larger count is damage (and could overflow the sum)
                if (t < previous || c <= 0 || c > SlidingWindow.MAX_EXACT_LIMIT) {
                    throw corrupt(key, "has window entries out of order or with a count of " + c);
                }
                previous = t;
                if (t > now - span) {
                    times[k] = t;
                    counts[k] = c;
                    k++;
                }
            }
        }
        long sum = 0;
        for (int i = 0; i < k; i++) {
            sum += counts[i];
        }
        boolean admitted = sum + n <= w.limit();
        Duration retry = Duration.ZERO;
        if (admitted) {
            int at = k;
            while (at > 0 && times[at - 1] > now) {
                at--;
            }
            if (at > 0 && times[at - 1] == now) {
                counts[at - 1] += n;
            } else {
                System.arraycopy(times, at, times, at + 1, k - at);
                System.arraycopy(counts, at, counts, at + 1, k - at);
                times[at] = now;
                counts[at] = n;
                k++;
            }
            sum += n;
        } else {
            long need = sum + n - w.limit();
            long freed = 0;
            for (int i = 0; i < k; i++) {
                freed += counts[i];
                if (freed >= need) {
                    retry = Duration.ofMillis(Math.max(1, until(plus(times[i], span), now)));
                    break;
                }
            }
        }
        long end = k == 0 ? now : plus(times[k - 1], span);
        RateDecision d = new RateDecision(
                admitted, w.limit(), Math.max(0, w.limit() - sum), retry, Duration.ofMillis(until(end, now)));
        if (k == 0) {
            return new LimiterCells.Update<>(null, 0, state != null, d);
        }
        if (!admitted && k == stored) {
            // A refusal that dropped nothing leaves the stored entries as they are.
            return new LimiterCells.Update<>(state, end, false, d);
        }
        ByteBuffer out = ByteBuffer.allocate(5 + 16 * k).put(EXACT).putInt(k);
        for (int i = 0; i < k; i++) {
            out.putLong(times[i]).putLong(counts[i]);
        }
        return new LimiterCells.Update<>(out.array(), end, true, d);
    }

    private static LimiterCells.Update<RateDecision> approximate(
            String key, SlidingWindow w, byte[] state, long n, long now) {
        long span = w.window().toMillis();
        long start = now - Math.floorMod(now, span);
        long previous = 0;
        long current = 0;
        if (state != null) {
            ByteBuffer b = open(key, state, APPROX, 25);
            long stored = b.getLong();
            long p = nonNegative(key, b.getLong());
            long c = nonNegative(key, b.getLong());
            if (stored >= start) {
                start = stored;
                previous = p;
                current = c;
            } else if (stored == start - span) {
                previous = c;
            }
        }
        boolean admitted = plus(plus(weighted(previous, span, until(now, start)), current), n) <= w.limit();
        if (admitted) {
            current += n;
        }
        byte[] next = ByteBuffer.allocate(25)
                .put(APPROX)
                .putLong(start)
                .putLong(previous)
                .putLong(current)
                .array();
        return new LimiterCells.Update<>(
                next,
                start + 2 * span,
                admitted || state == null,
                approximateAnswer(w, admitted, start, previous, current, n, now));
    }

    /**
     * The answer of an approximate window from its counts after the decision.
     *
     * @param start    the current aligned window's start
     * @param previous the previous window's count
     * @param current  the current window's count, including this take when admitted
     */
    public static RateDecision approximateAnswer(
            SlidingWindow w, boolean admitted, long start, long previous, long current, long n, long now) {
        long span = w.window().toMillis();
        long elapsed = until(now, start);
        long weighted = weighted(previous, span, elapsed);
        Duration retry = Duration.ZERO;
        if (!admitted && plus(current, n) <= w.limit()) {
            double at = span - (double) (w.limit() - current - n) * span / previous;
            retry = Duration.ofMillis(Math.max(1, (long) Math.ceil(at) - elapsed));
        } else if (!admitted) {
            double at = Math.max(0, span - (double) (w.limit() - n) * span / current);
            retry = Duration.ofMillis(Math.max(1, until(plus(plus(start, span), (long) Math.ceil(at)), now)));
        }
        long used = plus(weighted, current);
        long left = used >= w.limit() ? 0 : w.limit() - used;
        long end = current > 0 ? plus(start, 2 * span) : previous > 0 ? plus(start, span) : now;
        return new RateDecision(admitted, w.limit(), left, retry, Duration.ofMillis(until(end, now)));
    }

    /** The previous window's count weighed by its overlap with the sliding window, rounded down. */
    static long weighted(long previous, long span, long elapsed) {
        if (previous == 0 || elapsed >= span) {
            return 0;
        }
        return (long) Math.floor(previous * (double) (span - elapsed) / span);
    }

    private static LimiterCells.Update<RateDecision> bucket(String key, TokenBucket t, byte[] state, long n, long now) {
        long period = t.refillPeriod().toMillis();
        long rate = t.refillTokens();
        long full = t.capacity() * period;
        long credit = full;
        long last = now;
        if (state != null) {
            ByteBuffer b = open(key, state, BUCKET, 17);
            credit = nonNegative(key, b.getLong());
            last = b.getLong();
            if (credit > full) {
                credit = full;
            }
            long elapsed = until(now, last);
            if (elapsed >= ceilDiv(full - credit, rate)) {
                credit = full;
            } else {
                credit += elapsed * rate;
            }
            last = Math.max(last, now);
        }
        long need = n * period;
        boolean admitted = credit >= need;
        if (admitted) {
            credit -= need;
        }
        RateDecision d = bucketAnswer(t, admitted, credit, last, n, now);
        if (credit == full) {
            return new LimiterCells.Update<>(null, 0, state != null, d);
        }
        byte[] next = ByteBuffer.allocate(17)
                .put(BUCKET)
                .putLong(credit)
                .putLong(last)
                .array();
        return new LimiterCells.Update<>(next, plus(last, ceilDiv(full - credit, rate)), true, d);
    }

    /**
     * The answer of a bucket from its credit after the decision. Refill counts from {@code last},
     * which is ahead of {@code now} when a node with a later clock decided last: waits count from there,
     * and the bucket is full (and its stored key may go) at {@code last} plus the time to refill.
     */
    public static RateDecision bucketAnswer(TokenBucket t, boolean admitted, long credit, long last, long n, long now) {
        long period = t.refillPeriod().toMillis();
        long rate = t.refillTokens();
        long lead = until(last, now);
        Duration retry = admitted ? Duration.ZERO : Duration.ofMillis(plus(lead, ceilDiv(n * period - credit, rate)));
        long toFull = credit >= t.capacity() * period ? 0 : plus(lead, ceilDiv(t.capacity() * period - credit, rate));
        return new RateDecision(admitted, t.capacity(), credit / period, retry, Duration.ofMillis(toFull));
    }

    /** Grants {@code permitId} when fewer than {@code max} leases are live at {@code now}. */
    public static LimiterCells.Update<PermitDecision> acquire(
            String key, Permits p, byte[] state, String permitId, long now, long leaseEnd) {
        Leases l = Leases.decode(key, state, now, 1);
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < l.count; i++) {
            earliest = Math.min(earliest, l.ends[i]);
        }
        if (l.count >= p.max()) {
            Duration retry = Duration.ofMillis(Math.max(1, until(earliest, now)));
            return l.store(l.dropped, new PermitDecision(Optional.empty(), p.max(), 0, retry));
        }
        l.ids[l.count] = permitId.getBytes(StandardCharsets.UTF_8);
        l.ends[l.count] = leaseEnd;
        l.count++;
        Permit granted = new Permit(permitId, Instant.ofEpochMilli(leaseEnd));
        return l.store(true, new PermitDecision(Optional.of(granted), p.max(), p.max() - l.count, Duration.ZERO));
    }

    /** Moves a live permit's lease end to {@code leaseEnd}. */
    public static LimiterCells.Update<Boolean> renew(
            String key, byte[] state, String permitId, long now, long leaseEnd) {
        Leases l = Leases.decode(key, state, now, 0);
        int i = l.find(permitId);
        if (i < 0) {
            return l.store(l.dropped, false);
        }
        l.ends[i] = leaseEnd;
        return l.store(true, true);
    }

    /** Removes a live permit. */
    public static LimiterCells.Update<Boolean> release(String key, byte[] state, String permitId, long now) {
        Leases l = Leases.decode(key, state, now, 0);
        int i = l.find(permitId);
        if (i < 0) {
            return l.store(l.dropped, false);
        }
        long last = Long.MIN_VALUE;
        for (int j = 0; j < l.count; j++) {
            last = Math.max(last, l.ends[j]);
        }
        l.count--;
        l.ids[i] = l.ids[l.count];
        l.ends[i] = l.ends[l.count];
        if (l.count == 0) {
            // The key stays, empty, until the lease it last held would have ended: the next acquire
            // then updates it in place instead of filing a new key for the sweeper.
            return new LimiterCells.Update<>(NO_PERMITS.clone(), last, true, true);
        }
        return l.store(true, true);
    }

    /** The live leases. */
    public static LimiterCells.Update<Long> inUse(String key, byte[] state, long now) {
        Leases l = Leases.decode(key, state, now, 0);
        return l.store(l.dropped, (long) l.count);
    }

    /**
     * Checks that {@code state} decodes as any limiter's state, for tools and tests of stored bytes.
     *
     * @throws CorruptDataException when it does not
     */
    public static void check(String key, byte[] state) {
        if (state == null || state.length == 0) {
            throw corrupt(key, "is empty");
        }
        switch (state[0]) {
            case QUOTA -> quota(key, Quota.rolling("check", 1, Duration.ofMillis(1)), state, 1, Long.MIN_VALUE + 1);
            case EXACT ->
                exact(key, SlidingWindow.exact("check", 1, Duration.ofMillis(1)), state, 1, Long.MIN_VALUE / 2);
            case APPROX -> approximate(key, SlidingWindow.approximate("check", 1, Duration.ofMillis(1)), state, 1, 0);
            case BUCKET -> bucket(key, TokenBucket.of("check", 1, 1, Duration.ofMillis(1)), state, 1, 0);
            case PERMITS -> Leases.decode(key, state, Long.MIN_VALUE, 0);
            default -> throw corrupt(key, "has unknown kind " + state[0]);
        }
    }

    /** The permits of one key: parallel arrays of ids and lease ends, expired ones already dropped. */
    private static final class Leases {
        final byte[][] ids;
        final long[] ends;
        int count;
        boolean dropped;

        private Leases(int capacity) {
            ids = new byte[capacity][];
            ends = new long[capacity];
        }

        static Leases decode(String key, byte[] state, long now, int room) {
            if (state == null) {
                return new Leases(room);
            }
            ByteBuffer b = open(key, state, PERMITS, 3);
            int stored = b.getShort() & 0xFFFF;
            if (stored > b.remaining() / 9) {
                throw corrupt(key, "holds " + stored + " permits in " + state.length + " bytes");
            }
            Leases l = new Leases(stored + room);
            for (int i = 0; i < stored; i++) {
                if (b.remaining() < 9) {
                    throw corrupt(key, "ends inside permit " + i);
                }
                long end = b.getLong();
                int length = b.get() & 0xFF;
                if (length == 0 || length > b.remaining()) {
                    throw corrupt(key, "has a permit id of " + length + " bytes with " + b.remaining() + " left");
                }
                byte[] id = new byte[length];
                b.get(id);
                if (end > now) {
                    l.ids[l.count] = id;
                    l.ends[l.count] = end;
                    l.count++;
                } else {
                    l.dropped = true;
                }
            }
            if (b.hasRemaining()) {
                throw corrupt(key, "has " + b.remaining() + " bytes after its permits");
            }
            return l;
        }

        int find(String permitId) {
            byte[] id = permitId.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < count; i++) {
                if (java.util.Arrays.equals(ids[i], id)) {
                    return i;
                }
            }
            return -1;
        }

        <R> LimiterCells.Update<R> store(boolean changed, R result) {
            if (count == 0) {
                return new LimiterCells.Update<>(null, 0, changed, result);
            }
            int size = 3;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < count; i++) {
                size += 9 + ids[i].length;
                last = Math.max(last, ends[i]);
            }
            ByteBuffer b = ByteBuffer.allocate(size).put(PERMITS).putShort((short) count);
            for (int i = 0; i < count; i++) {
                b.putLong(ends[i]).put((byte) ids[i].length).put(ids[i]);
            }
            return new LimiterCells.Update<>(b.array(), last, changed, result);
        }
    }

    private static ByteBuffer open(String key, byte[] state, byte kind, int minLength) {
        if (state.length < minLength) {
            throw corrupt(key, "is " + state.length + " bytes, shorter than " + minLength);
        }
        if (state[0] != kind) {
            throw corrupt(key, "holds kind " + state[0] + " where kind " + kind + " was expected");
        }
        if (kind != EXACT && kind != PERMITS && state.length != minLength) {
            throw corrupt(key, "is " + state.length + " bytes where " + minLength + " were expected");
        }
        ByteBuffer b = ByteBuffer.wrap(state);
        b.get();
        return b;
    }

    private static long nonNegative(String key, long v) {
        if (v < 0) {
            throw corrupt(key, "holds a negative count " + v);
        }
        return v;
    }

    private static long ceilDiv(long a, long b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }

    private static CorruptDataException corrupt(String key, String what) {
        return new CorruptDataException("limiter state of '" + key + "' " + what);
    }
}
