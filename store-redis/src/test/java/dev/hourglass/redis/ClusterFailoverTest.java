package dev.hourglass.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.testkit.RedisCluster;
import dev.hourglass.testkit.RedisServer;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Cluster of three masters with a replica each, under load from a store with {@code replicas=1}:
 * a master killed with SIGKILL (its replica takes over), and slots moved between masters while
 * scripts run on them (ASK while a slot migrates, TRYAGAIN for a script whose keys are split, then
 * MOVED). Sessions, streams and limiters keep their
 * guarantees through both: no acknowledged write lost, no stream message delivered twice, no take
 * admitted beyond the quota; every call succeeds or fails as unavailable within the timeout. The
 * error windows are measured and logged.
 */
class ClusterFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterFailoverTest.class);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final long SLACK_MILLIS = 1_000;
    private static final long RECONNECT_MILLIS = 1_000;
    private static final int BUCKETS = 256;
    private static final long QUOTA = 1_000_000;
    /** How long each slot stays migrating after its keys moved: writes meanwhile are sent on with ASK. */
    private static final Duration MIGRATING = Duration.ofMillis(100);

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static Store open(String prefix) {
        return Hourglass.open(
                cluster.uri() + "?replicas=1&replicaTimeout=200ms&buckets=" + BUCKETS,
                StoreOptions.builder()
                        .timeout(TIMEOUT)
                        .sweeperAutoStart(false)
                        .property("prefix", prefix)
                        .build());
    }

    @Test
    void aFailedMasterIsReplacedByItsReplicaWithoutLosingAcknowledgedWrites() throws Exception {
        try (Store store = open(TestStores.freshPrefix())) {
            FailoverLoad load = new FailoverLoad(store, "cf", QUOTA);
            load.start();
            load.awaitSuccesses(500, Duration.ofSeconds(10));
            long okAtKill = load.ok();

            RedisServer master = cluster.masters().get(0);
            long kill = System.nanoTime();
            RedisServer promoted = cluster.failMaster(master, FAILOVER_TIMEOUT);
            long promotedAt = System.nanoTime();
            // Until the old master rejoins as the replica of the promoted one, writes to its slots
            // cannot be confirmed by a replica and fail as unavailable.
            master.restart();
            awaitReplica(master, promoted);
            long readyAt = System.nanoTime();
            load.awaitSuccesses(500, Duration.ofSeconds(15));
            load.close();

            assertThat(load.unexpected())
                    .as("every call succeeds or fails as unavailable")
                    .isNull();
            assertThat(load.ok()).as("calls after the failover").isGreaterThanOrEqualTo(okAtKill + 500);
            long windowEnd = TimeUnit.NANOSECONDS.toMillis(load.lastFailureNanos() - kill);
            long failover = TimeUnit.NANOSECONDS.toMillis(promotedAt - kill);
            long ready = TimeUnit.NANOSECONDS.toMillis(readyAt - kill);
            assertThat(windowEnd)
                    .as(
                            "last failure after the kill, in ms (replica took over after %d ms, ready after %d ms)",
                            failover, ready)
                    .isLessThanOrEqualTo(ready + TIMEOUT.toMillis() + RECONNECT_MILLIS + SLACK_MILLIS);
            Guarantees g = check(load);
            LOG.info(
                    "cluster failover with replicas=1: replica took over {} ms after the kill, ready {} ms after"
                            + " it, calls failed until {} ms after it ({} unavailable); {}",
                    failover,
                    ready,
                    windowEnd,
                    load.unavailable(),
                    g);
        }
    }

    @Test
    void slotsMovedUnderLoadKeepEveryGuarantee() throws Exception {
        String prefix = TestStores.freshPrefix();
        try (Store store = open(prefix)) {
            FailoverLoad load = new FailoverLoad(store, "rs", QUOTA);
            load.start();
            load.awaitSuccesses(500, Duration.ofSeconds(10));
            Set<Integer> slots = slotsToMove(prefix, load);
            long start = System.nanoTime();
            long keys = 0;
            List<RedisServer> masters = cluster.masters();
            Map<Integer, RedisServer> targets = new LinkedHashMap<>();
            for (int slot : slots) {
                RedisServer owner = cluster.ownerOf(slot);
                RedisServer target = masters.get((masters.indexOf(owner) + 1) % masters.size());
                targets.put(slot, target);
                keys += cluster.moveSlots(slot, slot, target, MIGRATING);
            }
            long moved = System.nanoTime();
            load.awaitSuccesses(500, Duration.ofSeconds(15));
            load.close();

            assertThat(load.unexpected())
                    .as("every call succeeds or fails as unavailable")
                    .isNull();
            targets.forEach((slot, target) -> assertThat(cluster.ownerOf(slot))
                    .as("owner of slot %d", slot)
                    .isSameAs(target));
            assertThat(keys).as("keys moved while the load ran").isPositive();
            Guarantees g = check(load);
            long failed = load.unavailable();
            String window = failed == 0
                    ? "no call failed"
                    : failed + " calls failed as unavailable between "
                            + TimeUnit.NANOSECONDS.toMillis(load.firstFailureNanos() - start) + " and "
                            + TimeUnit.NANOSECONDS.toMillis(load.lastFailureNanos() - start) + " ms after the start";
            LOG.info(
                    "cluster reshard with replicas=1: {} slots ({} keys) moved in {} ms under load; {}; {}",
                    slots.size(),
                    keys,
                    TimeUnit.NANOSECONDS.toMillis(moved - start),
                    window,
                    g);
        }
    }

    private record Guarantees(
            int lostSessions,
            int sessions,
            int lostAppends,
            int appends,
            int duplicates,
            int deliveries,
            long overAdmitted,
            long slowestMillis,
            String slowestKind) {
        @Override
        public String toString() {
            return "lost " + lostSessions + " of " + sessions + " acknowledged session writes and " + lostAppends
                    + " of "
                    + appends + " appends; " + duplicates + " of " + deliveries + " deliveries duplicated; "
                    + overAdmitted + " takes admitted beyond the quota; slowest call " + slowestMillis + " ms ("
                    + slowestKind + ")";
        }
    }

    private static Guarantees check(FailoverLoad load) {
        Guarantees g = new Guarantees(
                load.lostSessions(),
                load.acknowledgedSessions(),
                load.lostAppends(),
                load.acknowledgedAppends(),
                load.duplicateDeliveries(),
                load.deliveries(),
                load.overAdmitted(),
                load.slowestMillis(),
                load.slowestKind());
        assertThat(g.lostSessions).as("acknowledged session writes lost: %s", g).isZero();
        assertThat(g.lostAppends).as("acknowledged appends lost: %s", g).isZero();
        assertThat(g.duplicates).as("stream messages delivered twice: %s", g).isZero();
        assertThat(g.overAdmitted).as("takes admitted beyond the quota: %s", g).isZero();
        assertThat(g.sessions).as("acknowledged session writes").isPositive();
        assertThat(g.appends).as("acknowledged appends").isPositive();
        assertThat(g.deliveries).as("deliveries").isPositive();
        assertThat(g.slowestMillis).as("slowest call in ms").isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MILLIS);
        return g;
    }

    /**
     * The slots of the load's streams and quota, and of the first 16 session buckets: every kind of
     * key moves while scripts write it.
     */
    private static Set<Integer> slotsToMove(String prefix, FailoverLoad load) {
        Keys keys = new Keys(prefix, BUCKETS);
        Set<Integer> slots = new LinkedHashSet<>();
        for (int t = 0; t < FailoverLoad.THREADS; t++) {
            byte[] id = Keys.id(load.stream(t));
            slots.add(SlotHash.getSlot(keys.meta(keys.bucket(id), id)));
        }
        for (RedisServer master : cluster.masters()) {
            List<?> scan = (List<?>) master.command("SCAN", "0", "MATCH", prefix + "r*", "COUNT", "100000");
            for (Object key : (List<?>) scan.get(1)) {
                slots.add(SlotHash.getSlot(((String) key).getBytes(UTF_8)));
            }
        }
        assertThat(slots.size()).as("stream and quota slots").isGreaterThan(FailoverLoad.THREADS - 1);
        List<Integer> buckets = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            buckets.add(SlotHash.getSlot(keys.sessionIndex(b)));
        }
        slots.addAll(buckets);
        return slots;
    }

    private static void awaitReplica(RedisServer node, RedisServer master) throws InterruptedException {
        long deadline = System.nanoTime() + FAILOVER_TIMEOUT.toNanos();
        while (!cluster.replicasOf(master).contains(node)
                || !((String) node.command("INFO", "replication")).contains("master_link_status:up")) {
            assertThat(System.nanoTime())
                    .as("%s to rejoin as a replica of %s", node, master)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
