package dev.hourglass.testkit;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * A private Redis Sentinel setup: a master, one replica and one sentinel monitoring the master as
 * {@value #MASTER_NAME} with quorum 1, {@code down-after-milliseconds} 2000 and {@code
 * failover-timeout} 10000, so that killing the master promotes the replica within a few seconds.
 *
 * <p>{@link #start(Duration)} sets up for failover tests: a shorter {@code down-after-milliseconds},
 * and the replica replicating through a relay in this JVM that {@link #holdReplication()} stops, so
 * that a test can make the replica lag before it {@link #killMaster() kills the master} and {@link
 * #awaitPromotion awaits the promotion}.
 *
 * <p>{@link #master()} and {@link #replica()} are the processes started in those roles; after a
 * failover their roles are swapped, and a restarted old master is made a replica by the sentinel.
 */
public final class RedisSentinel implements AutoCloseable {

    /** The name the sentinel monitors the master under. */
    public static final String MASTER_NAME = "mymaster";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final RedisServer master;
    private final RedisServer replica;
    private final RedisServer sentinel;
    private final ReplicationLink link;

    private RedisSentinel(RedisServer master, RedisServer replica, RedisServer sentinel, ReplicationLink link) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
        this.link = link;
    }

    /**
     * Starts the master, the replica and the sentinel, and waits until the replica is in sync and the
     * sentinel knows both.
     *
     * @throws IllegalStateException if a process does not start or the setup is not ready in 20 s
     */
    public static RedisSentinel start() {
        return start(Duration.ofMillis(2_000), false);
    }

    /**
     * Starts a setup for failover tests: as {@link #start()}, but with the sentinel's {@code
     * down-after-milliseconds} set to {@code downAfter} (how long the master must be unreachable
     * before the sentinel fails over), and the replica replicating through a relay that {@link
     * #holdReplication()} can stop. The {@code failover-timeout} is 60 s so that the sentinel leaves
     * the replica's path to its master alone for the length of a test (after that long it would point
     * the replica at the master directly, past the relay).
     *
     * @param downAfter 100 ms to 60 s
     * @throws IllegalArgumentException if {@code downAfter} is out of range
     * @throws IllegalStateException if a process does not start or the setup is not ready in 20 s
     */
    public static RedisSentinel start(Duration downAfter) {
        if (downAfter.compareTo(Duration.ofMillis(100)) < 0 || downAfter.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("downAfter must be 100 ms to 60 s, was " + downAfter);
        }
        return start(downAfter, true);
    }

    private static RedisSentinel start(Duration downAfter, boolean relayed) {
        String downAfterMillis = Long.toString(downAfter.toMillis());
        String failoverTimeoutMillis = relayed ? "60000" : "10000";
        RedisServer master = null;
        RedisServer replica = null;
        RedisServer sentinel = null;
        ReplicationLink link = null;
        try {
            master = RedisServer.start("--repl-diskless-sync-delay", "0");
            int masterPort = master.port();
            link = relayed ? new ReplicationLink(masterPort) : null;
            int replicateFrom = relayed ? link.port() : masterPort;
            replica = RedisServer.start(
                    "--replicaof", FreePorts.HOST, Integer.toString(replicateFrom), "--repl-diskless-sync-delay", "0");
            RedisServer startedReplica = replica;
            Await.until(
                    "replica " + replica + " in sync with master " + master,
                    READY_TIMEOUT,
                    () -> info(startedReplica, "replication").contains("master_link_status:up"));
            sentinel = RedisServer.launch("redis-sentinel", (port, dir) -> {
                Files.writeString(
                        dir.resolve("sentinel.conf"),
                        String.join(
                                "\n",
                                "port " + port,
                                "bind " + FreePorts.HOST,
                                "dir " + dir,
                                "daemonize no",
                                "sentinel monitor " + MASTER_NAME + " " + FreePorts.HOST + " " + masterPort + " 1",
                                "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfterMillis,
                                "sentinel failover-timeout " + MASTER_NAME + " " + failoverTimeoutMillis,
                                ""));
                return List.of(
                        ServerBinaries.locate("redis-server").toString(),
                        dir.resolve("sentinel.conf").toString(),
                        "--sentinel");
            });
            RedisSentinel setup = new RedisSentinel(master, replica, sentinel, link);
            setup.awaitMonitoring();
            return setup;
        } catch (RuntimeException e) {
            closeAll(e, sentinel, replica, master);
            if (link != null) {
                link.close();
            }
            throw e;
        }
    }

    private void awaitMonitoring() {
        Await.until(
                "sentinel " + sentinel + " to monitor master " + master + " and replica " + replica,
                READY_TIMEOUT,
                () -> List.of(FreePorts.HOST, Integer.toString(master.port()))
                                .equals(sentinel.command("SENTINEL", "get-master-addr-by-name", MASTER_NAME))
                        && !((List<?>) sentinel.command("SENTINEL", "replicas", MASTER_NAME)).isEmpty());
    }

    private static String info(RedisServer server, String section) {
        return (String) server.command("INFO", section);
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return FreePorts.HOST;
    }

    public int sentinelPort() {
        return sentinel.port();
    }

    /** {@value #MASTER_NAME}. */
    public String masterName() {
        return MASTER_NAME;
    }

    /** The sentinel URI in Lettuce's syntax: {@code redis-sentinel://127.0.0.1:<port>/0#mymaster}. */
    public String uri() {
        return "redis-sentinel://" + FreePorts.HOST + ":" + sentinel.port() + "/0#" + MASTER_NAME;
    }

    /** The server started as master. */
    public RedisServer master() {
        return master;
    }

    /** The server started as replica of {@link #master()}. */
    public RedisServer replica() {
        return replica;
    }

    /**
     * Stops replication: from now on nothing the master writes reaches the replica, until {@link
     * #releaseReplication()} or {@link #killMaster()} (which drops it).
     *
     * @throws IllegalStateException if the setup was started without the relay ({@link #start()})
     */
    public void holdReplication() {
        relay().hold();
    }

    /**
     * Lets the replica catch up with what the master wrote since {@link #holdReplication()}.
     *
     * @throws IllegalStateException if the setup was started without the relay ({@link #start()})
     */
    public void releaseReplication() {
        relay().release();
    }

    private ReplicationLink relay() {
        if (link == null) {
            throw new IllegalStateException(
                    this + " replicates directly; start it with start(Duration) to hold replication");
        }
        return link;
    }

    /**
     * Kills {@link #master()} with SIGKILL; what replication held back since {@link
     * #holdReplication()} is lost with it, as with a replica that lags when its master dies.
     */
    public void killMaster() {
        master.kill();
        if (link != null) {
            link.cut();
        }
    }

    /**
     * Waits until the sentinel names {@link #replica()} as the master and the replica reports the
     * master role, after {@link #master()} was killed or stopped.
     *
     * @return {@link #replica()}, now the master
     * @throws IllegalStateException if the promotion does not happen within {@code timeout}
     */
    public RedisServer awaitPromotion(Duration timeout) {
        List<String> promoted = List.of(FreePorts.HOST, Integer.toString(replica.port()));
        Await.until(
                "the sentinel to promote " + replica,
                timeout,
                () -> promoted.equals(sentinel.command("SENTINEL", "get-master-addr-by-name", MASTER_NAME))
                        && "master".equals(((List<?>) replica.command("ROLE")).get(0)));
        return replica;
    }

    /** Stops the sentinel, the replica and the master, and deletes their directories. */
    @Override
    public void close() {
        RuntimeException failure = closeAll(null, sentinel, replica, master);
        if (link != null) {
            link.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException closeAll(RuntimeException failure, RedisServer... servers) {
        for (RedisServer server : servers) {
            if (server == null) {
                continue;
            }
            try {
                server.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        return failure;
    }

    @Override
    public String toString() {
        return "Redis Sentinel on " + FreePorts.HOST + ":" + sentinel.port() + " (master " + master.port()
                + ", replica " + replica.port() + ")";
    }
}
