package dev.hourglass.chronicle;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.Streams;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The writer {@link CrashRecoveryTest} kills: opens the store and writes at up to {@value
 * #WRITES_PER_SECOND} writes a second (creating the ready file once it is under way), so that ten
 * rounds fit the test store's capacity however fast the machine is, and prints each write the
 * store acknowledged, one per line, until it is killed.
 * Arguments: store URI, first write number, ready file.
 *
 * <pre>
 * c N       session c-N was created holding content(N)
 * u K N     session u-K was replaced with content(N)
 * m K N     session u-K got attribute m=N merged in (and kept the rest)
 * a S Q N   stream s-S got message Q holding content(N)
 * </pre>
 */
public final class CrashWriter {

    static final Duration TTL = Duration.ofDays(1);

    private CrashWriter() {}

    /** Deterministic content of write N: its number and 0..3000 bytes derived from it. */
    static byte[] content(long n) {
        byte[] b = new byte[(int) (n * 7919 % 3001)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (n * 31 + i);
        }
        return b;
    }

    static Attributes attributes(long n) {
        return Attributes.empty().with("n", n).with("blob", content(n));
    }

    /** The pace: ten rounds of at most 1.5 s stay well within the store's 150,000 sessions and 100,000 messages. */
    static final int WRITES_PER_SECOND = 4_000;

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        long n = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(
                new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(n);
        try (Store store = Hourglass.open(
                uri, StoreOptions.builder().sweeperAutoStart(false).build())) {
            Sessions sessions = store.sessions();
            Streams streams = store.streams();
            long stream = n;
            streams.open("s-" + stream, Attributes.empty(), TTL);
            long seq = 0;
            boolean ready = false;
            long started = System.nanoTime();
            long written = 0;
            while (true) {
                n++;
                written++;
                long due = started + written * 1_000_000_000L / WRITES_PER_SECOND;
                long early = due - System.nanoTime();
                if (early > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(early);
                }
                int kind = random.nextInt(10);
                if (kind < 4) {
                    sessions.put("c-" + n, attributes(n), TTL);
                    out.println("c " + n);
                } else if (kind < 7) {
                    int k = random.nextInt(300);
                    sessions.put("u-" + k, attributes(n), TTL);
                    out.println("u " + k + " " + n);
                } else if (kind < 8) {
                    int k = random.nextInt(300);
                    if (sessions.merge("u-" + k, Attributes.empty().with("m", n))
                            .isPresent()) {
                        out.println("m " + k + " " + n);
                    }
                    sessions.touch("c-" + (n - 1 - random.nextInt(50)), TTL);
                } else {
                    if (seq == 200) {
                        streams.complete("s-" + stream);
                        stream = n;
                        streams.open("s-" + stream, Attributes.empty(), TTL);
                        seq = 0;
                    }
                    seq = streams.append("s-" + stream, content(n));
                    out.println("a " + stream + " " + seq + " " + n);
                }
                out.flush();
                if (n % 100 == 0 && !ready) {
                    java.nio.file.Files.writeString(java.nio.file.Path.of(args[2]), "ready");
                    ready = true;
                }
            }
        } finally {
            out.flush();
        }
    }

    static boolean sameBlob(byte[] stored, long n) {
        return Arrays.equals(stored, content(n));
    }
}
