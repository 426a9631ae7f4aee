package dev.hourglass.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.testkit.RedisSentinel;
import dev.hourglass.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master killed with SIGKILL under load while its replica lags (replication held for a moment
 * before the kill, as when the link to the replica is slow): the sentinel promotes the replica and
 * the same store carries on without reopening; every call succeeds or fails as unavailable, none
 * takes longer than the timeout (a write's wait for its replica included), and calls fail only between the kill
 * and the promotion plus a timeout and a reconnect. With asynchronous replication the writes
 * acknowledged while the replica lagged are lost (counted and logged); with {@code replicas=1} no
 * acknowledged write is lost, and no stream message is delivered twice.
 */
class SentinelFailoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(SentinelFailoverTest.class);
    private static final Duration DOWN_AFTER = Duration.ofMillis(1_000);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration REPLICA_TIMEOUT = Duration.ofMillis(200);
    private static final Duration PROMOTION_TIMEOUT = Duration.ofSeconds(20);
    /** Scheduling noise on a shared machine, and lettuce's reconnect backoff (at most 1 s). */
    private static final long SLACK_MILLIS = 1_000;

    private static final long RECONNECT_MILLIS = 1_000;
    private static final long HOLD_MILLIS = 400;

    @Test
    void asynchronousReplicationLosesTheWritesTheReplicaHadNotReceived() throws Exception {
        try (RedisSentinel redis = RedisSentinel.start(DOWN_AFTER)) {
            Result r = failOver(redis, "", false);
            assertThat(r.lostSessions)
                    .as("acknowledged session writes lost (replication held %d ms before the kill)", HOLD_MILLIS)
                    .isPositive();
            assertThat(r.slowestMillis).isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MILLIS);
        }
    }

    @Test
    void waitingForTheReplicaLosesNoAcknowledgedWrite() throws Exception {
        try (RedisSentinel redis = RedisSentinel.start(DOWN_AFTER)) {
            Result r = failOver(redis, "?replicas=1&replicaTimeout=" + REPLICA_TIMEOUT.toMillis() + "ms", true);
            assertThat(r.failedWhileHeld)
                    .as("writes refused while the replica could not confirm them")
                    .isPositive();
            assertThat(r.lostSessions).as("acknowledged session writes lost").isZero();
            assertThat(r.lostAppends).as("acknowledged appends lost").isZero();
            assertThat(r.duplicates).as("stream messages delivered twice").isZero();
            assertThat(r.overAdmitted).as("takes admitted beyond the quota").isZero();
            assertThat(r.slowestMillis).isLessThanOrEqualTo(TIMEOUT.toMillis() + SLACK_MILLIS);
        }
    }

    private record Result(
            int lostSessions,
            int lostAppends,
            int duplicates,
            long overAdmitted,
            long slowestMillis,
            long failedWhileHeld) {}

    private Result failOver(RedisSentinel redis, String query, boolean durable) throws Exception {
        String uri = redis.uri() + query;
        try (Store store = TestStores.open(
                uri,
                StoreOptions.builder().timeout(TIMEOUT).sweeperAutoStart(false).build())) {
            awaitReplicaInSync(redis);
            FailoverLoad load = new FailoverLoad(store, "f", 1_000_000);
            awaitReplicaInSync(redis);
            load.start();
            load.awaitSuccesses(500, Duration.ofSeconds(10));
            long failedBefore = load.unavailable();

            redis.holdReplication();
            Thread.sleep(HOLD_MILLIS);
            if (durable) {
                // A write refused for want of its replica's confirmation returns only once its wait
                // ends: on a busy machine that may be after the pause.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (load.unavailable() == failedBefore && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
            }
            long failedWhileHeld = load.unavailable() - failedBefore;
            long okAtKill = load.ok();
            long kill = System.nanoTime();
            redis.killMaster();
            RedisServer promoted = redis.awaitPromotion(PROMOTION_TIMEOUT);
            long promotedAt = System.nanoTime();
            if (durable) {
                // The promoted master has no replica until the old one rejoins: until then every write
                // fails as unavailable, which is what the option promises.
                rejoinAsReplica(redis.master(), promoted);
            }
            long readyAt = System.nanoTime();
            load.awaitSuccesses(500, Duration.ofSeconds(15));
            load.close();

            assertThat(load.unexpected())
                    .as("every call succeeds or fails as unavailable")
                    .isNull();
            assertThat(load.ok())
                    .as("calls after the failover, on the same store")
                    .isGreaterThanOrEqualTo(okAtKill + 500);
            long windowEnd = TimeUnit.NANOSECONDS.toMillis(load.lastFailureNanos() - kill);
            long failover = TimeUnit.NANOSECONDS.toMillis(promotedAt - kill);
            long ready = TimeUnit.NANOSECONDS.toMillis(readyAt - kill);
            assertThat(windowEnd)
                    .as(
                            "last failure after the kill, in ms (promotion after %d ms, ready after %d ms)",
                            failover, ready)
                    .isLessThanOrEqualTo(ready + TIMEOUT.toMillis() + RECONNECT_MILLIS + SLACK_MILLIS);

            Result r = new Result(
                    load.lostSessions(),
                    load.lostAppends(),
                    load.duplicateDeliveries(),
                    load.overAdmitted(),
                    load.slowestMillis(),
                    failedWhileHeld);
            LOG.info(
                    "sentinel failover{}: promoted {} ms after the kill, ready {} ms after it, calls failed until {} ms"
                            + " after it"
                            + " ({} unavailable, {} while replication was held); lost {} of {} acknowledged"
                            + " session writes and {} of {} appends; {} of {} deliveries duplicated; {} takes"
                            + " admitted beyond the quota; slowest call {} ms ({})",
                    durable ? " with replicas=1" : "",
                    failover,
                    ready,
                    windowEnd,
                    load.unavailable(),
                    failedWhileHeld,
                    r.lostSessions,
                    load.acknowledgedSessions(),
                    r.lostAppends,
                    load.acknowledgedAppends(),
                    r.duplicates,
                    load.deliveries(),
                    r.overAdmitted,
                    r.slowestMillis,
                    load.slowestKind());
            return r;
        }
    }

    private static void awaitReplicaInSync(RedisSentinel redis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (offset(redis.master(), "master_repl_offset") != offset(redis.replica(), "slave_repl_offset")) {
            assertThat(System.nanoTime()).as("replica in sync").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static long offset(RedisServer server, String field) {
        String info = (String) server.command("INFO", "replication");
        return info.lines()
                .filter(l -> l.startsWith(field + ":"))
                .mapToLong(l -> Long.parseLong(l.substring(field.length() + 1).trim()))
                .findFirst()
                .orElse(-1);
    }

    /**
     * Restarts the killed master (empty, no persistence) as a replica of the promoted one and waits
     * until it is in sync, as an operator or the sentinel would.
     */
    private static void rejoinAsReplica(RedisServer old, RedisServer master) throws InterruptedException {
        old.restart();
        old.command("REPLICAOF", master.host(), Integer.toString(master.port()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!((String) old.command("INFO", "replication")).contains("master_link_status:up")) {
            assertThat(System.nanoTime()).as("old master in sync as a replica").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat((List<?>) old.command("ROLE")).first().isEqualTo("slave");
    }
}
