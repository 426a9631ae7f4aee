package dev.hourglass.redis;

import dev.hourglass.CorruptDataException;
import dev.hourglass.StoreCapacityException;
import dev.hourglass.StoreException;
import dev.hourglass.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.KeyValueStreamingChannel;
import io.lettuce.core.output.KeyValueStreamingOutput;
import io.lettuce.core.output.NestedMultiOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One shared, multiplexed lettuce connection (standalone, Sentinel-discovered master, or Cluster)
 * and the way every call goes through it: a bounded wait, errors mapped to the store's exceptions,
 * scripts by SHA with one EVAL when the server's script cache was flushed.
 *
 * <p>Lettuce is set up to fail fast rather than queue: commands are rejected while disconnected,
 * the request queue is bounded (a command awaiting its reply counts until the reply or the
 * disconnect), commands in flight when a connection drops are not replayed after the reconnect (a
 * replayed append or read would apply twice), and reconnects back off from 10 ms to 1 s so a
 * restarted server is used again within about a second. Every wait here is bounded by the timeout
 * and cancels the command when it expires; lettuce's own per-command timeout (TimeoutOptions) would
 * only add a timer task to every command, so it is left off.
 */
final class Engine implements AutoCloseable {

    private static final Object RESOURCES_LOCK = new Object();
    private static ClientResources sharedResources;
    private static int resourceUsers;

    private final String describe;
    private final long timeoutNanos;
    private final Duration timeout;
    private final int requestQueueSize;
    private final int replicas;
    private final long replicaTimeoutMillis;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final StatefulConnection<byte[], byte[]> connection;
    private final RedisClusterAsyncCommands<byte[], byte[]> async;
    private final io.lettuce.core.RedisURI uri;
    private final ClientResources resources;
    /** Whether {@link #resources} are the store's own shared ones (released on close) or the application's. */
    private final boolean ownResources;

    private final SocketOptions socket;
    private volatile boolean closed;

    /**
     * Connects with the store's own client resources ({@code given} null) or with the application's
     * ({@code given}), which this engine never shuts down.
     */
    Engine(RedisSettings settings, String describe, ClientResources given) {
        this.describe = describe;
        this.timeout = settings.timeout();
        this.timeoutNanos = timeout.toNanos();
        this.requestQueueSize = settings.requestQueueSize();
        this.replicas = settings.replicas();
        this.replicaTimeoutMillis = settings.replicaTimeout().toMillis();
        this.uri = settings.uris().get(0);
        this.ownResources = given == null;
        this.resources = ownResources ? acquireResources() : given;
        this.socket = SocketOptions.builder()
                .connectTimeout(timeout)
                .keepAlive(true)
                .tcpNoDelay(true)
                .build();
        RedisClient standalone = null;
        RedisClusterClient clustered = null;
        try {
            if (settings.cluster()) {
                ClusterClientOptions.Builder b = ClusterClientOptions.builder();
                b.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build());
                b.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
                b.autoReconnect(true);
                b.replayFilter(c -> true);
                b.requestQueueSize(settings.requestQueueSize());
                b.socketOptions(socket);
                ClusterClientOptions options = b.build();
                clustered = RedisClusterClient.create(resources, settings.uris());
                clustered.setOptions(options);
                StatefulRedisClusterConnection<byte[], byte[]> c = clustered.connect(ByteArrayCodec.INSTANCE);
                c.setTimeout(timeout);
                connection = c;
                async = c.async();
            } else {
                ClientOptions options = ClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .autoReconnect(true)
                        .replayFilter(c -> true)
                        .requestQueueSize(settings.requestQueueSize())
                        .socketOptions(socket)
                        .build();
                standalone = RedisClient.create(resources);
                standalone.setOptions(options);
                StatefulRedisConnection<byte[], byte[]> c = standalone.connect(
                        ByteArrayCodec.INSTANCE, settings.uris().get(0));
                c.setTimeout(timeout);
                connection = c;
                async = c.async();
            }
        } catch (RuntimeException e) {
            if (standalone != null) {
                standalone.shutdown(0, 2, TimeUnit.SECONDS);
            }
            if (clustered != null) {
                clustered.shutdown(0, 2, TimeUnit.SECONDS);
            }
            if (ownResources) {
                releaseResources();
            }
            throw map("connect", e);
        }
        this.client = standalone;
        this.clusterClient = clustered;
    }

    private static ClientResources acquireResources() {
        synchronized (RESOURCES_LOCK) {
            if (sharedResources == null) {
                sharedResources = DefaultClientResources.builder()
                        .reconnectDelay(Delay.exponential(
                                Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                        .build();
            }
            resourceUsers++;
            return sharedResources;
        }
    }

    private static void releaseResources() {
        ClientResources toClose = null;
        synchronized (RESOURCES_LOCK) {
            if (--resourceUsers == 0) {
                toClose = sharedResources;
                sharedResources = null;
            }
        }
        if (toClose != null) {
            toClose.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** An HGETALL streaming its fields into {@code channel}, not yet sent. */
    static AsyncCommand<byte[], byte[], Long> hgetallCommand(
            byte[] key, KeyValueStreamingChannel<byte[], byte[]> channel) {
        return new AsyncCommand<>(new Command<>(
                CommandType.HGETALL,
                new KeyValueStreamingOutput<>(ByteArrayCodec.INSTANCE, channel),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key)));
    }

    /** An EVALSHA with a nested multi-bulk reply, not yet sent. */
    static AsyncCommand<byte[], byte[], List<Object>> evalshaCommand(Script script, byte[][] keys, byte[][] args) {
        return new AsyncCommand<>(new Command<>(
                CommandType.EVALSHA,
                new NestedMultiOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE)
                        .add(script.sha)
                        .add(keys.length)
                        .addKeys(keys)
                        .addValues(args)));
    }

    /**
     * Sends all commands with one write and one flush (fewer system calls than one flush per command
     * on both sides), without taking the shared connection's auto-flush away from other threads.
     */
    void dispatch(List<? extends RedisCommand<byte[], byte[], ?>> commands) {
        connection.dispatch(commands);
    }

    /**
     * A pub/sub connection of its own (standalone, the Sentinel-discovered master, or the Cluster),
     * for stream wake-ups.
     */
    io.lettuce.core.pubsub.StatefulRedisPubSubConnection<byte[], byte[]> pubSub() {
        try {
            return clusterClient != null
                    ? clusterClient.connectPubSub(ByteArrayCodec.INSTANCE)
                    : client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
        } catch (RuntimeException e) {
            throw map("connect for stream wake-ups", e);
        }
    }

    /** Whether this engine talks to a Cluster, where one script reaches the keys of one slot only. */
    boolean clustered() {
        return clusterClient != null;
    }

    /**
     * A client of its own for change tracking: RESP3, and no reconnect behind its owner's back (a
     * reconnected connection has lost its tracking). Shut it down before closing this engine.
     */
    RedisClient trackingClient() {
        RedisClient c = RedisClient.create(resources);
        c.setOptions(ClientOptions.builder()
                .protocolVersion(io.lettuce.core.protocol.ProtocolVersion.RESP3)
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socket)
                .build());
        return c;
    }

    /** Where writes land: the configured server (Sentinel resolves the master), or every Cluster master. */
    List<io.lettuce.core.RedisURI> writeTargets() {
        if (clusterClient == null) {
            return List.of(uri);
        }
        List<io.lettuce.core.RedisURI> masters = new java.util.ArrayList<>();
        for (io.lettuce.core.cluster.models.partitions.RedisClusterNode n : clusterClient.getPartitions()) {
            if (n.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM)
                    && !n.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.FAIL)) {
                io.lettuce.core.RedisURI u = io.lettuce.core.RedisURI.Builder.redis(
                                n.getUri().getHost(), n.getUri().getPort())
                        .withSsl(uri.isSsl())
                        .withTimeout(timeout)
                        .build();
                u.setCredentialsProvider(uri.getCredentialsProvider());
                masters.add(u);
            }
        }
        return masters;
    }

    RedisClusterAsyncCommands<byte[], byte[]> async() {
        return async;
    }

    Duration timeout() {
        return timeout;
    }

    /** Waits for a reply within the timeout. */
    <T> T await(String op, CompletionStage<T> stage) {
        try {
            return awaitRaw(op, stage.toCompletableFuture());
        } catch (ExecutionException e) {
            throw map(op, e.getCause());
        }
    }

    /** Waits for a reply until {@code deadlineNanos} ({@link System#nanoTime()} based): for batches. */
    <T> T awaitUntil(String op, CompletionStage<T> stage, long deadlineNanos) {
        try {
            return awaitRaw(op, stage.toCompletableFuture(), Math.max(0, deadlineNanos - System.nanoTime()));
        } catch (ExecutionException e) {
            throw map(op, e.getCause());
        }
    }

    long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    private <T> T awaitRaw(String op, CompletableFuture<T> f) throws ExecutionException {
        return awaitRaw(op, f, timeoutNanos);
    }

    private <T> T awaitRaw(String op, CompletableFuture<T> f, long waitNanos) throws ExecutionException {
        try {
            return f.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new StoreUnavailableException(
                    "redis store " + describe + ": " + op + " got no reply within " + timeout.toMillis()
                            + " ms (option timeout)",
                    e);
        } catch (CancellationException e) {
            throw map(op, e);
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("redis store " + describe + ": interrupted while waiting for " + op, e);
        }
    }

    /**
     * Runs a script by SHA; loads it with EVAL when the server does not know it. A script that writes
     * then waits for the replicas the option {@code replicas} asks for.
     */
    <T> T eval(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        RedisFuture<T> f = async.evalsha(script.sha, type, keys, args);
        if (replicas == 0 || !script.writes) {
            try {
                return awaitRaw(script.name, f.toCompletableFuture());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RedisNoScriptException) {
                    return await(script.name, async.<T>eval(script.source, type, keys, args));
                }
                throw map(script.name, e.getCause());
            }
        }
        long deadline = deadline();
        T result;
        try {
            result = awaitRaw(script.name, f.toCompletableFuture(), timeoutNanos);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof RedisNoScriptException)) {
                throw map(script.name, e.getCause());
            }
            result = awaitUntil(script.name, async.<T>eval(script.source, type, keys, args), deadline);
        }
        awaitReplicas(script.name, List.of(keys[0]), deadline);
        return result;
    }

    /**
     * With the option {@code replicas}, returns once that many replicas confirmed every write sent
     * before on the connection that carried the writes of {@code keys} (Redis WAIT, which counts
     * all earlier writes of its connection): the one connection, or on a Cluster one WAIT per node
     * owning a slot of the keys, all sent at once. Call it after the writes' replies arrived; it
     * waits until {@code deadlineNanos} ({@link System#nanoTime()} based) at most, the deadline of
     * the call, so a call with its replicas stays within the timeout.
     *
     * @throws StoreUnavailableException if fewer replicas confirm within the option {@code
     *     replicaTimeout}, or by the deadline: the write is on the master, but a failover may lose it
     */
    void awaitReplicas(String op, List<byte[]> keys, long deadlineNanos) {
        if (replicas == 0) {
            return;
        }
        String what = op + " (waiting for replicas)";
        if (clusterClient == null) {
            RedisFuture<Long> w;
            try {
                w = async.waitForReplication(replicas, replicaTimeoutMillis);
            } catch (RuntimeException e) {
                throw map(what, e);
            }
            confirm(op, awaitConfirmations(what, w, deadlineNanos));
            return;
        }
        awaitClusterReplicas(op, what, keys, deadlineNanos);
    }

    /**
     * On a Cluster the write ran on the master lettuce routed it to, which after a failover or while
     * slots move need not be the one its topology names: so each key's named master is asked first
     * whether it serves the key ({@code EXISTS}, answered {@code MOVED} or {@code ASK} when it does
     * not), pipelined with the WAIT on that master; a key it does not serve is waited for on the
     * master the redirection names, whose connection carried the redirected write.
     */
    private void awaitClusterReplicas(String op, String what, List<byte[]> keys, long deadlineNanos) {
        StatefulRedisClusterConnection<byte[], byte[]> c = (StatefulRedisClusterConnection<byte[], byte[]>) connection;
        Map<String, StatefulRedisConnection<byte[], byte[]>> nodes = new LinkedHashMap<>();
        Map<String, List<RedisFuture<Long>>> probes = new LinkedHashMap<>();
        Map<String, RedisFuture<Long>> waits = new LinkedHashMap<>();
        try {
            for (byte[] key : keys) {
                RedisClusterNode owner = clusterClient.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
                if (owner == null) {
                    throw new StoreUnavailableException(
                            "redis store " + describe + ": " + what + " failed: no master serves the key's slot");
                }
                String at = owner.getUri().getHost() + ":" + owner.getUri().getPort();
                StatefulRedisConnection<byte[], byte[]> node = nodes.computeIfAbsent(
                        at,
                        a -> c.getConnection(
                                owner.getUri().getHost(), owner.getUri().getPort()));
                probes.computeIfAbsent(at, a -> new ArrayList<>())
                        .add(node.async().exists(key));
            }
            nodes.forEach((at, node) -> waits.put(at, node.async().waitForReplication(replicas, replicaTimeoutMillis)));
        } catch (RuntimeException e) {
            throw map(what, e);
        }
        Set<String> redirected = new LinkedHashSet<>();
        for (Map.Entry<String, List<RedisFuture<Long>>> e : probes.entrySet()) {
            boolean served = false;
            for (RedisFuture<Long> probe : e.getValue()) {
                String target = redirection(what, probe, deadlineNanos);
                if (target == null) {
                    served = true;
                } else {
                    redirected.add(target);
                }
            }
            if (served) {
                confirm(op, awaitConfirmations(what, waits.get(e.getKey()), deadlineNanos));
            }
        }
        for (String target : redirected) {
            if (waits.containsKey(target)) {
                confirm(op, awaitConfirmations(what, waits.get(target), deadlineNanos));
                continue;
            }
            int colon = target.lastIndexOf(':');
            RedisFuture<Long> w;
            try {
                w = c.getConnection(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))
                        .async()
                        .waitForReplication(replicas, replicaTimeoutMillis);
            } catch (RuntimeException ex) {
                throw map(what, ex);
            }
            confirm(op, awaitConfirmations(what, w, deadlineNanos));
        }
    }

    /** {@code host:port} of the master a {@code MOVED} or {@code ASK} answer names, or null when the node served the key. */
    private String redirection(String what, RedisFuture<Long> probe, long deadlineNanos) {
        try {
            awaitRaw(what, probe.toCompletableFuture(), Math.max(0, deadlineNanos - System.nanoTime()));
            return null;
        } catch (ExecutionException e) {
            String msg = String.valueOf(e.getCause().getMessage());
            if (e.getCause() instanceof RedisCommandExecutionException
                    && (msg.startsWith("MOVED ") || msg.startsWith("ASK "))) {
                String target = msg.substring(msg.lastIndexOf(' ') + 1);
                if (target.lastIndexOf(':') > 0) {
                    return target;
                }
            }
            throw map(what, e.getCause());
        }
    }

    /**
     * The replicas a WAIT counted; an error answer (such as a master that became a replica) means
     * the write cannot be confirmed, which is unavailability, not a broken store.
     */
    private long awaitConfirmations(String what, RedisFuture<Long> wait, long deadlineNanos) {
        try {
            return awaitUntil(what, wait, deadlineNanos);
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (StoreException e) {
            throw new StoreUnavailableException(e.getMessage(), e.getCause());
        }
    }

    private void confirm(String op, long confirmed) {
        if (confirmed < replicas) {
            throw new StoreUnavailableException("redis store " + describe + ": " + op
                    + " was applied on the master but confirmed by " + confirmed + " of " + replicas
                    + " replicas within " + replicaTimeoutMillis + " ms (options replicas and replicaTimeout);"
                    + " a failover may lose it");
        }
    }

    /**
     * The asynchronous form of {@link #eval}: EVALSHA, then EVAL when the script is missing. It does
     * not wait for replicas: the sweeper uses it, and an expired entry's removal that a failover
     * loses is swept again.
     */
    <T> CompletableFuture<T> evalAsync(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        RedisFuture<T> f = async.evalsha(script.sha, type, keys, args);
        return f.toCompletableFuture()
                .handle((v, e) -> {
                    if (e == null) {
                        return CompletableFuture.completedFuture(v);
                    }
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof RedisNoScriptException) {
                        return async.<T>eval(script.source, type, keys, args).toCompletableFuture();
                    }
                    return CompletableFuture.<T>failedFuture(cause);
                })
                .thenCompose(x -> x);
    }

    /** Sets the layout marker if absent and returns the stored value (the given one when set now). */
    String claimLayout(byte[] key, String layout) {
        byte[] value = layout.getBytes(StandardCharsets.UTF_8);
        if (Boolean.TRUE.equals(await("layout check", async.setnx(key, value)))) {
            return layout;
        }
        byte[] stored = await("layout check", async.get(key));
        return stored == null ? layout : Codec.text(stored, "layout marker");
    }

    /** Loads every script into the server's cache (on every master of a Cluster), all in one flush. */
    void loadScripts() {
        java.util.List<RedisFuture<String>> loads = new java.util.ArrayList<>();
        for (Script s : Script.ALL) {
            loads.add(async.scriptLoad(s.source));
        }
        long deadline = deadline();
        for (RedisFuture<String> f : loads) {
            awaitUntil("script load", f, deadline);
        }
    }

    boolean ping() {
        try {
            return "PONG".equals(await("ping", async.ping()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    boolean isConnected() {
        return connection.isOpen();
    }

    /**
     * The store's exception for a lettuce failure. The message names the store (its URI without
     * credentials), the operation and what went wrong in the store's words, with at most the error
     * code Redis answered (such as {@code OOM} or {@code READONLY}); the lettuce exception is the
     * cause, and its text, which can carry addresses and class names, is never copied.
     */
    StoreException map(String op, Throwable e) {
        String where = "redis store " + describe + ": " + op;
        if (e instanceof StoreException se) {
            return se;
        }
        if (e instanceof RedisCommandExecutionException rce) {
            String msg = String.valueOf(rce.getMessage());
            String code = errorCode(msg);
            if (code.equals("OOM")) {
                return new StoreCapacityException(
                        where + " refused: Redis is at its maxmemory limit (OOM);"
                                + " raise maxmemory or lower session sizes and TTLs",
                        e);
            }
            if (code.equals("LOADING")
                    || code.equals("BUSY")
                    || code.equals("CLUSTERDOWN")
                    || code.equals("TRYAGAIN")
                    || code.equals("MASTERDOWN")
                    || code.equals("READONLY")
                    || code.equals("NOREPLICAS")) {
                return new StoreUnavailableException(where + " failed: Redis answered " + code, e);
            }
            if (code.equals("WRONGTYPE") || msg.contains("not an integer") || msg.contains("not a valid float")) {
                return new CorruptDataException(
                        where + " found a key of the wrong shape (Redis answered " + code + ")", e);
            }
            return new StoreException(where + " failed: Redis answered " + code, e);
        }
        if (String.valueOf(e.getMessage()).startsWith("Request queue size exceeded")) {
            return new StoreUnavailableException(
                    where + " refused: " + requestQueueSize
                            + " commands already wait for Redis (option requestQueueSize)",
                    e);
        }
        if (e instanceof RedisConnectionException) {
            return new StoreUnavailableException(where + " failed: cannot connect to Redis", e);
        }
        if (e instanceof CancellationException) {
            return new StoreUnavailableException(where + " failed: the command was cancelled", e);
        }
        return new StoreUnavailableException(where + " failed: the connection to Redis failed", e);
    }

    /** The leading error code of a Redis error reply ({@code ERR}, {@code OOM} ...), or {@code an error}. */
    static String errorCode(String message) {
        int end = 0;
        while (end < message.length() && end < 32 && message.charAt(end) >= 'A' && message.charAt(end) <= 'Z') {
            end++;
        }
        boolean word = end >= 2 && (end == message.length() || message.charAt(end) == ' ');
        return word ? message.substring(0, end) : "an error";
    }

    private void shutdownClients() {
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (clusterClient != null) {
            clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // closing a broken connection
        }
        shutdownClients();
        if (ownResources) {
            releaseResources();
        }
    }
}
