package dev.hourglass.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hourglass.Attributes;
import dev.hourglass.Batch;
import dev.hourglass.CloseResult;
import dev.hourglass.Message;
import dev.hourglass.Poll;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.StreamStatus;
import dev.hourglass.Streams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acknowledged delivery (take, lease, ack), cursor reads and waiting reads that the engine's
 * notification wakes. A backend's test extends this class and opens a fresh, empty store with the
 * options given (a {@link FakeClock}, the sweeper not started), and a second store over the same
 * data, as another node of an application would open it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
public abstract class StreamDeliveryContract {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration LEASE = Duration.ofSeconds(30);
    /** States of the dropping poller in the test of pollers that drop messages. */
    private static final int IDLE = 0;

    private static final int WANTS = 1;
    private static final int DOWN = 2;

    protected final FakeClock clock = new FakeClock();
    protected Store store;
    protected Streams streams;

    /** A fresh, empty store opened with exactly these options. */
    protected abstract Store openStore(StoreOptions options);

    /**
     * Another store over the same data as the store {@link #openStore} opened last, with these
     * options: a second node of the same application. A backend whose data lives in one store object
     * answers {@link #store} itself.
     */
    protected abstract Store openSecondNode(StoreOptions options);

    @BeforeEach
    void openFreshStore() {
        store = openStore(options());
        streams = store.streams();
    }

    private StoreOptions options() {
        return StoreOptions.builder()
                .clock(clock)
                .sweeperAutoStart(false)
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private void openWith(String id, int messages) {
        assertThat(streams.open(id, Attributes.empty(), HOUR)).isTrue();
        for (int i = 1; i <= messages; i++) {
            assertThat(streams.append(id, bytes("m" + i))).isEqualTo(i);
        }
    }

    private static long seq(Optional<Poll> p) {
        return p.orElseThrow().message().orElseThrow().sequence();
    }

    @Test
    void aTakenMessageIsHeldFromOthersAndComesBackAfterItsLease() {
        openWith("lease", 2);
        Poll first = streams.take("lease", "relay", LEASE).orElseThrow();
        assertThat(first.message().orElseThrow().text()).isEqualTo("m1");
        assertThat(streams.state("lease").orElseThrow().markers()).containsEntry("relay", 0L);

        Poll other = streams.take("lease", "relay", LEASE).orElseThrow();
        assertThat(other.message()).isEmpty();
        assertThat(other.ended()).isFalse();
        assertThat(other.heldUntil()).contains(clock.instant().plus(LEASE));

        clock.advance(LEASE.minusMillis(1));
        assertThat(streams.take("lease", "relay", LEASE).orElseThrow().message())
                .isEmpty();
        clock.advance(Duration.ofMillis(1));
        // the first caller lost its answer: the next caller under the name gets the message again
        assertThat(seq(streams.take("lease", "relay", LEASE))).isEqualTo(1);
        assertThat(streams.ack("lease", "relay", 1)).isTrue();
        assertThat(streams.ack("lease", "relay", 1)).isFalse();
        assertThat(streams.state("lease").orElseThrow().markers()).containsEntry("relay", 1L);
        assertThat(seq(streams.take("lease", "relay", LEASE))).isEqualTo(2);
        assertThat(streams.take("other-reader", "relay", LEASE)).isEmpty();
        assertThat(seq(streams.take("lease", "audit", LEASE))).isEqualTo(1);
    }

    @Test
    void aLateAckIsHarmlessAndTheSecondHolderAcksNothingMore() {
        openWith("late", 2);
        assertThat(seq(streams.take("late", "r", Duration.ofSeconds(1)))).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(seq(streams.take("late", "r", LEASE))).isEqualTo(1);
        assertThat(streams.ack("late", "r", 1)).as("the first holder, late").isTrue();
        assertThat(streams.ack("late", "r", 1)).as("the second holder").isFalse();
        assertThat(seq(streams.take("late", "r", LEASE))).isEqualTo(2);
        assertThat(streams.ack("late", "r", 2)).isTrue();
        Poll none = streams.take("late", "r", LEASE).orElseThrow();
        assertThat(none.message()).isEmpty();
        assertThat(none.heldUntil()).isEmpty();
        assertThat(none.ended()).isFalse();
    }

    @Test
    void acksOfMessagesNotTakenChangeNothing() {
        openWith("acks", 3);
        assertThat(streams.ack("acks", "r", 1)).as("never taken").isFalse();
        assertThat(streams.ack("acks", "r", 3)).as("not the next").isFalse();
        assertThat(streams.ack("missing", "r", 1)).isFalse();
        assertThat(seq(streams.next("acks", "r"))).isEqualTo(1);
        assertThat(streams.ack("acks", "r", 1))
                .as("taken at most once, nothing to acknowledge")
                .isFalse();
        assertThat(seq(streams.take("acks", "r", LEASE))).isEqualTo(2);
        assertThat(streams.ack("acks", "r", 3)).isFalse();
        assertThat(streams.state("acks").orElseThrow().markers()).containsEntry("r", 1L);
        // next is at most once and moves the marker past a leased message
        assertThat(seq(streams.next("acks", "r"))).isEqualTo(2);
        assertThat(streams.ack("acks", "r", 2)).isFalse();
        assertThat(seq(streams.take("acks", "r", LEASE))).isEqualTo(3);
        assertThatThrownBy(() -> streams.ack("acks", "r", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sequence")
                .hasMessageContaining("0");
    }

    @Test
    void theEndIsSeenOnlyOnceTheLastMessageIsAcknowledged() {
        openWith("end", 1);
        assertThat(seq(streams.take("end", "r", LEASE))).isEqualTo(1);
        assertThat(streams.complete("end")).isEqualTo(CloseResult.CLOSED);
        Poll held = streams.take("end", "r", LEASE).orElseThrow();
        assertThat(held.ended()).isFalse();
        assertThat(held.status()).isEqualTo(StreamStatus.COMPLETED);
        assertThat(held.heldUntil()).isPresent();
        assertThat(streams.ack("end", "r", 1)).isTrue();
        Poll end = streams.take("end", "r", LEASE).orElseThrow();
        assertThat(end.ended()).isTrue();
        assertThat(streams.fail("end", "late")).isEqualTo(CloseResult.ALREADY_COMPLETED);
    }

    @Test
    void leasesAndAcksAreRejectedWhenOutOfRange() {
        openWith("bad", 1);
        for (Duration lease : new Duration[] {null, Duration.ZERO, Duration.ofMillis(-1), Duration.ofHours(2)}) {
            assertThatThrownBy(() -> streams.take("bad", "r", lease))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease")
                    .hasMessageContaining(String.valueOf(lease));
        }
        assertThat(streams.state("bad").orElseThrow().markers()).isEmpty();
    }

    @Test
    void cursorReadsReturnWhatFollowsASequenceAndTouchNoMarker() {
        openWith("cur", 5);
        Batch b = streams.read("cur", 0, 2).orElseThrow();
        assertThat(b.messages()).extracting(Message::text).containsExactly("m1", "m2");
        assertThat(b.last()).isEqualTo(2);
        assertThat(b.messageCount()).isEqualTo(5);
        assertThat(b.ended()).isFalse();
        assertThat(streams.read("cur", 3, 100).orElseThrow().messages())
                .extracting(Message::sequence)
                .containsExactly(4L, 5L);
        Batch after = streams.read("cur", 5, 10).orElseThrow();
        assertThat(after.messages()).isEmpty();
        assertThat(after.last()).isEqualTo(5);
        assertThat(after.ended()).isFalse();
        assertThat(streams.read("cur", 99, 10).orElseThrow().messages()).isEmpty();
        assertThat(streams.state("cur").orElseThrow().markers()).isEmpty();
        streams.fail("cur", "stopped");
        Batch tail = streams.read("cur", 4, 10).orElseThrow();
        assertThat(tail.messages()).extracting(Message::sequence).containsExactly(5L);
        assertThat(tail.ended()).isTrue();
        assertThat(tail.failureReason()).contains("stopped");
        assertThat(streams.read("cur", 0, 1).orElseThrow().ended()).isFalse();
        assertThat(streams.read("missing", 0, 10)).isEmpty();
    }

    @Test
    void cursorArgumentsOutOfRangeAreRejected() {
        openWith("args", 1);
        assertThatThrownBy(() -> streams.read("args", -1, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after")
                .hasMessageContaining("-1");
        for (int limit : new int[] {0, -5, 1001}) {
            assertThatThrownBy(() -> streams.read("args", 0, limit))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit")
                    .hasMessageContaining(String.valueOf(limit));
        }
        assertThat(streams.read("args", 0, 1000).orElseThrow().messages()).hasSize(1);
    }

    @Test
    void waitingReadsCompleteWhenAMessageComes() throws Exception {
        openWith("push", 0);
        CompletableFuture<Optional<Poll>> next =
                streams.nextAsync("push", "a", Duration.ofSeconds(20)).toCompletableFuture();
        CompletableFuture<Optional<Batch>> read =
                streams.readAsync("push", 0, 10, Duration.ofSeconds(20)).toCompletableFuture();
        CompletableFuture<Optional<Poll>> take =
                streams.takeAsync("push", "b", LEASE, Duration.ofSeconds(20)).toCompletableFuture();
        Thread.sleep(50);
        assertThat(next).isNotDone();
        assertThat(read).isNotDone();
        assertThat(take).isNotDone();
        long start = System.nanoTime();
        streams.append("push", bytes("hello"));
        assertThat(seq(next.get(10, TimeUnit.SECONDS))).isEqualTo(1);
        assertThat(read.get(10, TimeUnit.SECONDS).orElseThrow().messages())
                .extracting(Message::text)
                .containsExactly("hello");
        assertThat(seq(take.get(10, TimeUnit.SECONDS))).isEqualTo(1);
        assertThat(System.nanoTime() - start).as("woken, not timed out").isLessThan(TimeUnit.SECONDS.toNanos(8));
    }

    @Test
    void waitingReadsCompleteAtTheEndAndAtTheTimeout() throws Exception {
        openWith("close", 0);
        CompletableFuture<Optional<Poll>> next =
                streams.nextAsync("close", "a", Duration.ofSeconds(20)).toCompletableFuture();
        CompletableFuture<Optional<Batch>> read =
                streams.readAsync("close", 0, 10, Duration.ofSeconds(20)).toCompletableFuture();
        long start = System.nanoTime();
        Optional<Poll> timedOut = streams.next("close", "b", Duration.ofMillis(200));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        assertThat(timedOut.orElseThrow().message()).isEmpty();
        assertThat(timedOut.orElseThrow().ended()).isFalse();
        assertThat(next).isNotDone();
        streams.complete("close");
        assertThat(next.get(10, TimeUnit.SECONDS).orElseThrow().ended()).isTrue();
        assertThat(read.get(10, TimeUnit.SECONDS).orElseThrow().ended()).isTrue();

        openWith("gone", 0);
        CompletableFuture<Optional<Poll>> gone =
                streams.nextAsync("gone", "a", Duration.ofSeconds(20)).toCompletableFuture();
        Thread.sleep(20);
        streams.delete("gone");
        assertThat(gone.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(streams.nextAsync("never", "a", Duration.ofSeconds(5))
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS))
                .isEmpty();
    }

    @Test
    void anAckWakesTheNextWaitingTaker() throws Exception {
        openWith("handover", 2);
        assertThat(seq(streams.take("handover", "r", LEASE))).isEqualTo(1);
        CompletableFuture<Optional<Poll>> waiting = streams.takeAsync("handover", "r", LEASE, Duration.ofSeconds(20))
                .toCompletableFuture();
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        assertThat(streams.ack("handover", "r", 1)).isTrue();
        assertThat(seq(waiting.get(10, TimeUnit.SECONDS))).isEqualTo(2);
    }

    @Test
    void competingTakersProcessEachMessageOnceAndInOrder() throws Exception {
        int n = 120;
        openWith("compete", 0);
        List<Long> processed = Collections.synchronizedList(new ArrayList<>());
        Thread producer = new Thread(() -> {
            for (int i = 1; i <= n; i++) {
                streams.append("compete", bytes(Integer.toString(i)));
            }
            streams.complete("compete");
        });
        producer.start();
        StoreContract.parallel(4, t -> {
            while (true) {
                Poll p = streams.takeAsync("compete", "workers", LEASE, Duration.ofSeconds(10))
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS)
                        .orElseThrow();
                if (p.message().isPresent()) {
                    long s = p.message().get().sequence();
                    processed.add(s);
                    assertThat(streams.ack("compete", "workers", s)).isTrue();
                } else if (p.ended()) {
                    return;
                }
            }
        });
        producer.join();
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= n; i++) {
            expected.add(i);
        }
        assertThat(processed).containsExactlyElementsOf(expected);
    }

    /**
     * Four pollers on two nodes under one reader name, each now and then dropping what it takes (as
     * a poller that dies between take and ack would), after which time passes beyond that take's
     * lease; the dropper comes back once another poller has processed the message. Every message is
     * processed and acknowledged exactly once, in order, and no acknowledgement under a live lease
     * fails. A dropping take asks for a one-second lease and the others for an hour, so the clock's
     * jumps (a second per drop) never end a lease that a poller is still working under.
     */
    /** Messages the drop test may append beyond its first ones while drops are still to come. */
    private static final int MAX_EXTRA = 500;

    @Test
    void fourPollersOnTwoNodesWithRandomDropsProcessEachMessageExactlyOnce() throws Exception {
        int n = 150;
        int drops = 15;
        Duration dropLease = Duration.ofSeconds(1);
        openWith("drops", 0);
        Store second = openSecondNode(options());
        try {
            Streams[] nodes = {streams, second.streams()};
            AtomicInteger dropsLeft = new AtomicInteger(drops);
            AtomicInteger dropState = new AtomicInteger(IDLE);
            Map<Long, Integer> dropCount = new ConcurrentHashMap<>();
            Map<Long, CompletableFuture<Integer>> ackedBy = new ConcurrentHashMap<>();
            Map<Long, Integer> deliveries = new ConcurrentHashMap<>();
            List<Long> processed = Collections.synchronizedList(new ArrayList<>());
            // after the first n messages, one more now and then until every drop has happened, so that
            // fast pollers cannot take the whole stream before the droppers had their turns
            AtomicInteger produced = new AtomicInteger();
            Thread producer = new Thread(() -> {
                for (int i = 1; i <= n || (dropsLeft.get() > 0 && i <= n + MAX_EXTRA); i++) {
                    nodes[i % 2].append("drops", bytes(Integer.toString(i)));
                    produced.set(i);
                    if (i >= n) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                    }
                }
                nodes[0].complete("drops");
            });
            producer.start();
            StoreContract.parallel(4, poller -> {
                Streams node = nodes[poller % 2];
                Random random = new Random(13 + poller);
                int untilDrop = 1 + random.nextInt(4);
                boolean dropping = false;
                while (true) {
                    // one poller at a time drops, and the others wait until it has its message, so
                    // that a fast poller cannot keep it from ever getting one
                    if (!dropping && untilDrop <= 0 && dropsLeft.get() > 0) {
                        dropping = dropState.compareAndSet(IDLE, WANTS);
                    }
                    if (!dropping) {
                        awaitNot(dropState, WANTS);
                    }
                    Poll p = node.takeAsync("drops", "workers", dropping ? dropLease : HOUR, Duration.ofMillis(50))
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS)
                            .orElseThrow();
                    if (p.message().isEmpty()) {
                        if (p.ended()) {
                            if (dropping) {
                                dropState.set(IDLE);
                            }
                            return;
                        }
                        continue;
                    }
                    Message m = p.message().get();
                    long s = m.sequence();
                    assertThat(m.text()).isEqualTo(Long.toString(s));
                    deliveries.merge(s, 1, Integer::sum);
                    if (dropping) {
                        dropsLeft.decrementAndGet();
                        dropCount.merge(s, 1, Integer::sum);
                        dropState.set(DOWN);
                        clock.advance(dropLease);
                        assertThat(acked(ackedBy, s).get(30, TimeUnit.SECONDS))
                                .as("%d, dropped by poller %d, processed by another", s, poller)
                                .isNotEqualTo(poller);
                        dropState.compareAndSet(DOWN, IDLE);
                        dropping = false;
                        untilDrop = 1 + random.nextInt(4);
                        continue;
                    }
                    untilDrop--;
                    // processed while the lease holds the next message back from every other poller
                    processed.add(s);
                    assertThat(node.ack("drops", "workers", s))
                            .as("poller %d acknowledges %d under its live lease", poller, s)
                            .isTrue();
                    assertThat(acked(ackedBy, s).complete(poller))
                            .as("first to process %d", s)
                            .isTrue();
                    if (dropCount.containsKey(s)) {
                        // the dropped message is done: another poller may drop now
                        dropState.compareAndSet(DOWN, IDLE);
                    }
                    assertThat(node.ack("drops", "workers", s))
                            .as("a second ack")
                            .isFalse();
                }
            });
            producer.join();
            List<Long> expected = new ArrayList<>();
            for (long i = 1; i <= produced.get(); i++) {
                expected.add(i);
            }
            assertThat(processed).containsExactlyElementsOf(expected);
            assertThat(dropsLeft)
                    .as("drops still to come when the stream ended")
                    .hasValue(0);
            for (long s = 1; s <= produced.get(); s++) {
                assertThat(deliveries.get(s)).as("deliveries of %d", s).isEqualTo(1 + dropCount.getOrDefault(s, 0));
            }
            Set<Integer> processors = new HashSet<>();
            ackedBy.values().forEach(f -> processors.add(f.join()));
            assertThat(processors)
                    .as("both nodes processed messages")
                    .containsAnyOf(0, 2)
                    .containsAnyOf(1, 3);
            assertThat(streams.state("drops").orElseThrow().markers()).containsEntry("workers", (long) produced.get());
            assertThat(second.streams()
                            .take("drops", "workers", LEASE)
                            .orElseThrow()
                            .ended())
                    .isTrue();
        } finally {
            if (second != store) {
                second.close();
            }
        }
    }

    /** Completed with the poller that processed message {@code s}. */
    private static CompletableFuture<Integer> acked(Map<Long, CompletableFuture<Integer>> ackedBy, long s) {
        return ackedBy.computeIfAbsent(s, k -> new CompletableFuture<>());
    }

    private static void awaitNot(AtomicInteger state, int value) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (state.get() == value) {
            assertThat(System.nanoTime() < until)
                    .as("the dropping poller gets a message")
                    .isTrue();
            Thread.sleep(1);
        }
    }
}
