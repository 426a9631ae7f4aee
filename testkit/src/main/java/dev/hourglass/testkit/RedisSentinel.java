package dev.hourglass.testkit;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * A private Redis Sentinel setup: a master, one replica and one sentinel monitoring the master as
 * {@value #MASTER_NAME} with quorum 1, {@code down-after-milliseconds} 2000 and {@code
 * failover-timeout} 10000, so that killing the master promotes the replica within a few seconds.
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

    private RedisSentinel(RedisServer master, RedisServer replica, RedisServer sentinel) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    /**
     * Starts the master, the replica and the sentinel, and waits until the replica is in sync and the
     * sentinel knows both.
     *
     * @throws IllegalStateException if a process does not start or the setup is not ready in 20 s
     */
    public static RedisSentinel start() {
        RedisServer master = null;
        RedisServer replica = null;
        RedisServer sentinel = null;
        try {
            master = RedisServer.start("--repl-diskless-sync-delay", "0");
            int masterPort = master.port();
            replica = RedisServer.start("--replicaof", FreePorts.HOST, Integer.toString(masterPort));
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
                                "sentinel down-after-milliseconds " + MASTER_NAME + " 2000",
                                "sentinel failover-timeout " + MASTER_NAME + " 10000",
                                ""));
                return List.of(
                        ServerBinaries.locate("redis-server").toString(),
                        dir.resolve("sentinel.conf").toString(),
                        "--sentinel");
            });
            RedisSentinel setup = new RedisSentinel(master, replica, sentinel);
            setup.awaitMonitoring();
            return setup;
        } catch (RuntimeException e) {
            closeAll(e, sentinel, replica, master);
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

    /** Stops the sentinel, the replica and the master, and deletes their directories. */
    @Override
    public void close() {
        RuntimeException failure = closeAll(null, sentinel, replica, master);
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
