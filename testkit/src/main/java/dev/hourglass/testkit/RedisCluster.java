package dev.hourglass.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A private Redis Cluster of three masters without replicas, each a {@link RedisServer} in its own
 * directory, owning a third of the 16384 hash slots.
 *
 * <p>A node's {@link RedisServer#restart()} keeps its {@code nodes.conf}, so it rejoins the cluster
 * with its slots (but, like every {@link RedisServer}, without its data).
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

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
        List<RedisServer> servers = new ArrayList<>();
        try {
            for (int i = 0; i < MASTERS; i++) {
                servers.add(RedisServer.launch(
                        "redis-cluster-node",
                        (port, dir) -> RedisServer.command(
                                port,
                                dir,
                                List.of(
                                        "--cluster-enabled", "yes",
                                        "--cluster-config-file", "nodes.conf",
                                        "--cluster-node-timeout", "5000",
                                        "--cluster-port", Integer.toString(FreePorts.next())))));
            }
            RedisCluster cluster = new RedisCluster(servers);
            cluster.create();
            return cluster;
        } catch (RuntimeException e) {
            servers.forEach(RedisServer::close);
            throw e;
        }
    }

    private void create() {
        List<String> command = new ArrayList<>();
        command.add(ServerBinaries.locate("redis-cli").toString());
        command.add("--cluster");
        command.add("create");
        command.addAll(nodes());
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Exec.check(command, null);
        for (RedisServer server : servers) {
            Await.until("cluster_state:ok on " + server, READY_TIMEOUT, () -> {
                String info = (String) server.command("CLUSTER", "INFO");
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + MASTERS);
            });
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
