package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import dev.hourglass.Poll;
import dev.hourglass.Session;
import dev.hourglass.Sessions;
import dev.hourglass.Store;
import dev.hourglass.Streams;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/** Every workload through Hourglass's public API, on each backend. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {
            Jvm.OPEN_LANG,
            Jvm.OPEN_REFLECT,
            Jvm.EXPORT_JAVAC_FILE,
            Jvm.EXPORT_NIO_CH,
            Jvm.EXPORT_REF,
            Jvm.NO_ANALYTICS,
            Jvm.HEAP,
            Jvm.HEAP_MIN
        })
public class HourglassBench {

    static final int BATCH = 100;

    @Param({"memory", "chronicle", "redis", "mariadb", "postgresql"})
    public String backend;

    private Subjects.Opened opened;
    private Store store;
    private Sessions sessions;
    private Streams streams;
    private String run;
    private int streamsMade;

    @Setup(Level.Trial)
    public void setup() {
        opened = Subjects.hourglass(backend, null);
        store = opened.store();
        sessions = store.sessions();
        streams = store.streams();
        Populate.hourglass("Hourglass " + backend, sessions, Data.TTL);
        run = Long.toString(System.nanoTime() ^ ProcessHandle.current().pid(), 36);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opened.close();
    }

    /** Opens a stream of {@value StreamCursor#LENGTH} messages and returns its id. */
    String filledStream() {
        String id = "read-" + run + "-" + streamsMade++;
        streams.open(id, Attributes.empty(), Data.TTL);
        for (int i = 0; i < StreamCursor.LENGTH; i++) {
            streams.append(id, Data.payload());
        }
        return id;
    }

    @Benchmark
    public Optional<Session> get(Keys k) {
        return sessions.get(k.nextId());
    }

    @Benchmark
    public Session put(Keys k) {
        return sessions.put(k.nextId(), Data.attributes(k.write()), Data.TTL);
    }

    @Benchmark
    public boolean touch(Keys k) {
        return sessions.touch(k.nextId(), Data.TTL);
    }

    @Benchmark
    public Optional<Session> merge(Keys k) {
        return sessions.merge(k.nextId(), Data.merge(k.write()));
    }

    @Benchmark
    public Optional<Session> update(Keys k) {
        Attributes change = Data.merge(k.write());
        return sessions.update(k.nextId(), a -> a.withAll(change));
    }

    @Benchmark
    public Optional<Session> getAndTouch(Keys k) {
        return sessions.getAndTouch(k.nextId(), Data.TTL);
    }

    @Benchmark
    public boolean createDelete(Keys k) {
        Session s = sessions.create(Data.attributes(k.write()), Data.TTL);
        return sessions.delete(s.id());
    }

    /** The batched read: {@value #BATCH} ids per call, counted as {@value #BATCH} operations. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Map<String, Session> getAll(Keys k) {
        List<String> ids = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            ids.add(k.nextId());
        }
        return sessions.getAll(ids);
    }

    /** The batched write: {@value #BATCH} sessions per call, counted as {@value #BATCH} operations. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void putAll(Keys k) {
        Map<String, Attributes> batch = new LinkedHashMap<>(BATCH * 2);
        for (int i = 0; i < BATCH; i++) {
            batch.put(k.nextId(), Data.attributes(k.write()));
        }
        sessions.putAll(batch, Data.TTL);
    }

    @Benchmark
    @Threads(2)
    public Object mixed(Keys k) {
        return k.read() ? sessions.get(k.nextId()) : sessions.put(k.nextId(), Data.attributes(k.write()), Data.TTL);
    }

    @Benchmark
    public long append(StreamCursor c) {
        if (c.position++ % StreamCursor.LENGTH == 0) {
            if (c.stream != null) {
                streams.delete(c.stream);
            }
            c.stream = "append-" + run + "-" + c.generation++;
            streams.open(c.stream, Attributes.empty(), Data.TTL);
        }
        return streams.append(c.stream, Data.payload());
    }

    @Benchmark
    public Optional<Poll> next(ReadCursor c) {
        if (c.read++ % StreamCursor.LENGTH == 0) {
            c.nextReader(this);
        }
        return streams.next(c.stream, c.reader);
    }

    /** Acknowledged delivery: a message taken under a lease and acknowledged, the pair {@link #next} replaces. */
    @Benchmark
    public boolean takeAck(TakeCursor c) {
        if (c.read++ % StreamCursor.LENGTH == 0) {
            c.nextReader(this);
        }
        Poll p = streams.take(c.stream, c.reader, LEASE).orElseThrow();
        return streams.ack(c.stream, c.reader, p.message().orElseThrow().sequence());
    }

    private static final java.time.Duration LEASE = java.time.Duration.ofSeconds(30);

    /**
     * A thread's place in a stream of {@value #LENGTH} messages: append opens a new stream (and
     * deletes the last) every {@value #LENGTH} messages.
     */
    @State(Scope.Thread)
    public static class StreamCursor {
        static final int LENGTH = 1_000;
        long position;
        int generation;
        String stream;
    }

    /**
     * What next reads: streams of {@value StreamCursor#LENGTH} messages, each read to the end by
     * 50 reader names in turn (a store may cap the readers of one stream), so every
     * call takes a real message. The streams are written before each iteration, as many as the last
     * iteration used, so that writing them is not measured; only when they run out is one written
     * during the iteration.
     */
    @State(Scope.Thread)
    public static class ReadCursor {
        private final int readers;
        private final ArrayDeque<String> ready = new ArrayDeque<>();
        private final List<String> used = new ArrayList<>();
        long read;
        String stream;
        String reader;
        private int readerIndex;
        private long readAtStart;
        private long lastIteration;

        public ReadCursor() {
            this(50);
        }

        ReadCursor(int readers) {
            this.readers = readers;
            this.readerIndex = readers;
        }

        @Setup(Level.Iteration)
        public void prepare(HourglassBench bench) {
            for (String s : used) {
                bench.streams.delete(s);
            }
            used.clear();
            long perStream = (long) readers * StreamCursor.LENGTH;
            long want = Math.max(2, (lastIteration * 3 / 2) / perStream + 1);
            while (ready.size() < want) {
                ready.add(bench.filledStream());
            }
            readAtStart = read;
        }

        @TearDown(Level.Iteration)
        public void finish() {
            lastIteration = read - readAtStart;
        }

        void nextReader(HourglassBench bench) {
            if (++readerIndex >= readers) {
                readerIndex = 0;
                if (stream != null) {
                    used.add(stream);
                }
                stream = ready.isEmpty() ? bench.filledStream() : ready.poll();
            }
            reader = "reader-" + readerIndex;
        }
    }

    /**
     * What takeAck reads: the same streams, by 20 reader names (a reader that takes under a lease keeps its
     * lease beside its marker, which takes room in a Chronicle stream's header).
     */
    public static class TakeCursor extends ReadCursor {
        public TakeCursor() {
            super(20);
        }
    }
}
