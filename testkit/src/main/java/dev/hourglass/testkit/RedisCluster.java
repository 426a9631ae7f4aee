package dev.hourglass.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A private Redis Cluster, each node a {@link RedisServer} in its own directory: by default three
 * masters without replicas, each owning a third of the 16384 hash slots; {@link #start(int, int)}
 * adds replicas, for failover, and {@link #moveSlots} reshards while clients run.
 *
 * <p>A node's {@link RedisServer#restart()} keeps its {@code nodes.conf}, so it rejoins the cluster
 * with its slots (but, like every {@link RedisServer}, without its data).
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FAILOVER_NODE_TIMEOUT = Duration.ofMillis(1_000);
    private static final int MIGRATE_BATCH = 100;
    private static final String MIGRATE_TIMEOUT_MILLIS = "5000";

    private final List<RedisServer> servers;

    private RedisCluster(List<RedisServer> servers) {
        this.servers = List.copyOf(servers);
    }

    /**
     * Starts three nodes, joins them with {@code redis-cli --cluster create} and waits until every
     * node reports {@code cluster_state:ok}.
     *
     * @throws IllegalStateException if a node does not start or the cluster does not form in 30 s
     */
    public static RedisCluster start() {
        return start(MASTERS, 0, Duration.ofMillis(5_000));
    }

    /**
     * Starts {@code masters} masters with {@code replicasPerMaster} replicas each, with a {@code
     * cluster-node-timeout} of one second and {@code cluster-replica-validity-factor 0} (any replica
     * may take over), so that a master killed with SIGKILL is replaced within a few seconds; waits
     * until every node reports {@code cluster_state:ok} and every replica is in sync. {@link
     * #masters()} and {@link #replicasOf} tell the roles.
     *
     * @param masters 3 to 16
     * @param replicasPerMaster 0 to 2
     * @throws IllegalArgumentException if {@code masters} or {@code replicasPerMaster} is out of range
     * @throws IllegalStateException if a node does not start or the cluster does not form in 30 s
     */
    public static RedisCluster start(int masters, int replicasPerMaster) {
        if (masters < 3 || masters > 16) {
            throw new IllegalArgumentException("masters must be 3..16, was " + masters);
        }
        if (replicasPerMaster < 0 || replicasPerMaster > 2) {
            throw new IllegalArgumentException("replicasPerMaster must be 0..2, was " + replicasPerMaster);
        }
        return start(masters, replicasPerMaster, FAILOVER_NODE_TIMEOUT);
    }

    private static RedisCluster start(int masters, int replicasPerMaster, Duration nodeTimeout) {
        int total = masters * (1 + replicasPerMaster);
        List<RedisServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < total; i++) {
                servers.add(RedisServer.launch(
                        "redis-cluster-node",
                        (port, dir) -> RedisServer.command(
                                port,
                                dir,
                                List.of(
                                        "--cluster-enabled", "yes",
                                        "--cluster-config-file", "nodes.conf",
                                        "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()),
                                        "--cluster-replica-validity-factor", "0",
                                        "--repl-diskless-sync-delay", "0",
                                        "--cluster-port", Integer.toString(FreePorts.next())))));
            }
            RedisCluster cluster = new RedisCluster(servers);
            cluster.create(masters, replicasPerMaster);
            return cluster;
        } catch (RuntimeException e) {
            servers.forEach(RedisServer::close);
            throw e;
        }
    }

    private void create(int masters, int replicasPerMaster) {
        List<String> command = new ArrayList<>();
        command.add(ServerBinaries.locate("redis-cli").toString());
        command.add("--cluster");
        command.add("create");
        command.addAll(nodes());
        command.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
        Exec.check(command, null);
        int total = servers.size();
        for (RedisServer server : servers) {
            Await.until("cluster_state:ok on " + server, READY_TIMEOUT, () -> {
                String info = (String) server.command("CLUSTER", "INFO");
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + total);
            });
        }
        Await.until(
                masters + " masters and their replicas in sync",
                READY_TIMEOUT,
                () -> masters().size() == masters
                        && servers.stream()
                                .filter(s -> !isMaster(s))
                                .allMatch(s ->
                                        ((String) s.command("INFO", "replication")).contains("master_link_status:up")));
    }

    private static boolean isMaster(RedisServer server) {
        return "master".equals(((List<?>) server.command("ROLE")).get(0));
    }

    /** The node's cluster id ({@code CLUSTER MYID}). */
    public static String nodeId(RedisServer node) {
        return (String) node.command("CLUSTER", "MYID");
    }

    /** The running nodes that are masters now, in {@link #servers()} order. */
    public List<RedisServer> masters() {
        return servers.stream()
                .filter(RedisServer::isRunning)
                .filter(RedisCluster::isMaster)
                .toList();
    }

    /** The running replicas of {@code master}, in {@link #servers()} order. */
    public List<RedisServer> replicasOf(RedisServer master) {
        return servers.stream()
                .filter(s -> s != master && s.isRunning())
                .filter(s -> {
                    List<?> role = (List<?>) s.command("ROLE");
                    return "slave".equals(role.get(0))
                            && Long.valueOf(master.port()).equals(role.get(2));
                })
                .toList();
    }

    /** The master that serves {@code slot} now, as the running nodes see it. */
    public RedisServer ownerOf(int slot) {
        RedisServer any = servers.stream()
                .filter(RedisServer::isRunning)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no node of " + this + " runs"));
        for (Object range : (List<?>) any.command("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                long port = (Long) ((List<?>) r.get(2)).get(1);
                return servers.stream()
                        .filter(s -> s.port() == port)
                        .findFirst()
                        .orElseThrow();
            }
        }
        throw new IllegalStateException("no master of " + this + " serves slot " + slot);
    }

    /**
     * Kills {@code master} with SIGKILL and waits until one of its replicas has taken over and every
     * running node reports {@code cluster_state:ok} again.
     *
     * @return the promoted replica
     * @throws IllegalArgumentException if {@code master} is not a master of this cluster with a replica
     * @throws IllegalStateException if no replica takes over within {@code timeout}
     */
    public RedisServer failMaster(RedisServer master, Duration timeout) {
        if (!servers.contains(master) || !master.isRunning() || !isMaster(master)) {
            throw new IllegalArgumentException(master + " is not a running master of " + this);
        }
        List<RedisServer> replicas = replicasOf(master);
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException(master + " has no replica to take over");
        }
        master.kill();
        RedisServer[] promoted = new RedisServer[1];
        Await.until("a replica of " + master + " to take over", timeout, () -> {
            for (RedisServer replica : replicas) {
                if (isMaster(replica)) {
                    promoted[0] = replica;
                    return true;
                }
            }
            return false;
        });
        for (RedisServer server : servers) {
            if (server.isRunning()) {
                Await.until(
                        "cluster_state:ok on " + server + " after the failover",
                        timeout,
                        () -> ((String) server.command("CLUSTER", "INFO")).contains("cluster_state:ok"));
            }
        }
        return promoted[0];
    }

    /**
     * Moves the slots {@code first..last} to the master {@code target} the way {@code redis-cli
     * --cluster reshard} does, one slot at a time: {@code CLUSTER SETSLOT IMPORTING} on the target
     * and {@code MIGRATING} on the owner, {@code MIGRATE} of its keys in batches, then {@code SETSLOT
     * NODE} on every master. While a slot moves, clients get {@code ASK} for keys already moved and
     * {@code TRYAGAIN} for commands whose keys are split; afterwards {@code MOVED}.
     *
     * @return the number of keys moved
     * @throws IllegalArgumentException if the range is not within 0..16383 or {@code target} is not
     *     a running master
     * @throws Resp.ErrorReply if a node refuses a step
     */
    public long moveSlots(int first, int last, RedisServer target) {
        return moveSlots(first, last, target, Duration.ZERO);
    }

    /**
     * Moves slots as {@link #moveSlots(int, int, RedisServer)} does, but leaves each slot migrating
     * for {@code migrating} after its keys moved and before it is assigned to the target, so that
     * clients writing its keys meanwhile are sent to the target with {@code ASK}.
     *
     * @param migrating 0 to 10 s
     * @return the number of keys moved
     * @throws IllegalArgumentException if the range is not within 0..16383, {@code target} is not a
     *     running master or {@code migrating} is out of range
     * @throws Resp.ErrorReply if a node refuses a step
     */
    public long moveSlots(int first, int last, RedisServer target, Duration migrating) {
        if (migrating.isNegative() || migrating.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("migrating must be 0 to 10 s, was " + migrating);
        }
        if (first < 0 || last > 16383 || first > last) {
            throw new IllegalArgumentException("slots must be a range within 0..16383, was " + first + ".." + last);
        }
        if (!servers.contains(target) || !target.isRunning() || !isMaster(target)) {
            throw new IllegalArgumentException(target + " is not a running master of " + this);
        }
        String targetId = nodeId(target);
        long moved = 0;
        for (int slot = first; slot <= last; slot++) {
            RedisServer source = ownerOf(slot);
            if (source == target) {
                continue;
            }
            String s = Integer.toString(slot);
            String sourceId = nodeId(source);
            target.command("CLUSTER", "SETSLOT", s, "IMPORTING", sourceId);
            source.command("CLUSTER", "SETSLOT", s, "MIGRATING", targetId);
            int unmovable = 0;
            while (true) {
                List<?> keys = (List<?>) source.command("CLUSTER", "GETKEYSINSLOT", s, Integer.toString(MIGRATE_BATCH));
                if (keys.isEmpty()) {
                    break;
                }
                List<String> migrate = new ArrayList<>(List.of(
                        "MIGRATE",
                        target.host(),
                        Integer.toString(target.port()),
                        "",
                        "0",
                        MIGRATE_TIMEOUT_MILLIS,
                        "KEYS"));
                keys.forEach(k -> migrate.add((String) k));
                if (!"NOKEY".equals(source.command(migrate.toArray(String[]::new)))) {
                    moved += keys.size();
                    unmovable = 0;
                } else if (++unmovable == 3) {
                    throw new IllegalStateException("cannot move the keys of slot " + slot + " from " + source
                            + ": MIGRATE finds none of them (keys that are not valid UTF-8?)");
                }
            }
            pause(migrating);
            target.command("CLUSTER", "SETSLOT", s, "NODE", targetId);
            source.command("CLUSTER", "SETSLOT", s, "NODE", targetId);
            for (RedisServer other : masters()) {
                if (other != target && other != source) {
                    other.command("CLUSTER", "SETSLOT", s, "NODE", targetId);
                }
            }
        }
        return moved;
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a slot was migrating", e);
        }
    }

    /** The nodes as {@code host:port}, in start order. */
    public List<String> nodes() {
        return servers.stream().map(s -> s.host() + ":" + s.port()).toList();
    }

    /** The nodes, in start order, to send commands to, kill or restart. */
    public List<RedisServer> servers() {
        return servers;
    }

    /** {@code redis-cluster://127.0.0.1:<port1>,127.0.0.1:<port2>,127.0.0.1:<port3>}. */
    public String uri() {
        return nodes().stream().collect(Collectors.joining(",", "redis-cluster://", ""));
    }

    /** Stops all nodes and deletes their directories. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (RedisServer server : servers) {
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
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Redis Cluster " + nodes();
    }
}
