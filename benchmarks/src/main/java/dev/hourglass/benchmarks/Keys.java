package dev.hourglass.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A thread's walk over the keys: a precomputed uniform random sequence, so that choosing a key
 * costs the same for every subject, and a counter that picks which pooled value to write.
 */
@State(Scope.Thread)
public class Keys {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final int MASK = (1 << 16) - 1;

    private final int[] sequence = new int[MASK + 1];
    private int position;
    private int writes;
    private double[] mix;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(42 + THREADS.getAndIncrement());
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = r.nextInt(Data.KEYS);
        }
        mix = new double[sequence.length];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = r.nextDouble();
        }
    }

    /** The next key index. */
    public int next() {
        return sequence[position++ & MASK];
    }

    /** The next key's id. */
    public String nextId() {
        return Data.id(next());
    }

    /** A counter for choosing the value to write. */
    public int write() {
        return writes++;
    }

    /** True for nine calls in ten (the read share of the mixed workload), in a fixed random order. */
    public boolean read() {
        return mix[position & MASK] < 0.9;
    }
}
