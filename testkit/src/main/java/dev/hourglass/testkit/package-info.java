/**
 * Private database and cache servers for tests and benchmarks.
 *
 * <p>Each server is a child process of the calling JVM, started from the binaries installed on the
 * machine (see {@link dev.hourglass.testkit.ServerBinaries}), listening on a free port of
 * {@code 127.0.0.1} and keeping its files in a fresh temporary directory. {@code close()} stops it
 * and deletes that directory; a JVM shutdown hook kills whatever a test left running.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start()) {
 *   redis.command("SET", "k", "v");
 *   redis.kill();
 *   redis.restart();
 * }
 * }</pre>
 */
package dev.hourglass.testkit;
