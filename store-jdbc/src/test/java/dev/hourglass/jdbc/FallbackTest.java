package dev.hourglass.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Attributes;
import dev.hourglass.Hourglass;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.testkit.PostgresServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Degraded mode on a database ({@code fallback=memory}): the same decorator as on Redis. While the
 * database is stopped, calls are served from this node's memory instead of failing; once it is back the
 * store serves from it again and what was written meanwhile is dropped.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FallbackTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void servesFromMemoryWhileTheDatabaseIsDownAndFromItWhenItIsBack() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (PostgresServer db = PostgresServer.start()) {
            String uri = "jdbc:postgresql://" + db.user() + "@" + db.host() + ":" + db.port() + "/"
                    + PostgresServer.DATABASE + "?poolSize=2";
            StoreOptions options = StoreOptions.builder()
                    .timeout(Duration.ofMillis(800))
                    .meterRegistry(meters)
                    .sweeperAutoStart(false)
                    .build();
            try (Store store = Hourglass.open(uri + "&fallback=memory", options)) {
                store.sessions().put("before", Attributes.empty().with("v", "db"), HOUR);
                assertThat(meters.get("hourglass.jdbc.degraded").gauge().value())
                        .isZero();

                db.stop();
                store.sessions().put("during", Attributes.empty().with("v", "memory"), HOUR);
                assertThat(store.sessions()
                                .get("during")
                                .orElseThrow()
                                .attributes()
                                .getString("v"))
                        .isEqualTo("memory");
                assertThat(store.sessions().get("before"))
                        .as("the database's sessions are not visible during the outage")
                        .isEmpty();
                assertThat(meters.get("hourglass.jdbc.degraded").gauge().value())
                        .isEqualTo(1);
                assertThat(meters.get("hourglass.jdbc.fallback.calls")
                                .functionCounter()
                                .count())
                        .isGreaterThanOrEqualTo(3);

                db.restart();
                await(
                        "the store serves from the database again",
                        () -> meters.get("hourglass.jdbc.degraded").gauge().value() == 0);
                assertThat(store.sessions().get("during"))
                        .as("written during the outage, dropped on return")
                        .isEmpty();
                assertThat(store.sessions()
                                .get("before")
                                .orElseThrow()
                                .attributes()
                                .getString("v"))
                        .isEqualTo("db");
                assertThat(meters.get("hourglass.jdbc.fallback.dropped")
                                .functionCounter()
                                .count())
                        .isEqualTo(1);
            }
            try (Store plain = Hourglass.open(
                    uri, StoreOptions.builder().sweeperAutoStart(false).build())) {
                assertThat(plain.sessions().get("during")).isEmpty();
                assertThat(plain.sessions().get("before")).isPresent();
            }
        }
    }
}
