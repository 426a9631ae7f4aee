package dev.hourglass.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.PermitDecision;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Limiters shared by this JVM and a second one on the same store: exact counts across processes,
 * and a permit whose holder is killed with -9 frees at the end of its lease, never before. Runs on
 * the real clock, since the second JVM has no fake one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
public abstract class LimiterCrossProcessContract {

    protected Store store;

    /** A URI a second JVM can open, naming the same (empty) store as {@link #openStore()}. */
    protected abstract String storeUri();

    /** Opens the store at {@link #storeUri()} in this JVM; override to add options. */
    protected Store openStore() {
        return Hourglass.open(
                storeUri(),
                StoreOptions.builder()
                        .sweeperAutoStart(false)
                        .timeout(Duration.ofSeconds(10))
                        .build());
    }

    @BeforeEach
    void open() {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void exactlyTheLimitIsAdmittedAcrossTwoJvms() throws Exception {
        Quota quota = Quota.rolling("xp-quota", 1_500, Duration.ofHours(1));
        AtomicLong here = new AtomicLong();
        try (SecondJvm other =
                SecondJvm.start(LimiterWorker.class, "take", storeUri(), "xp-quota", "1500", "4", "1000")) {
            StoreContract.parallel(4, t -> {
                for (int i = 0; i < 1_000; i++) {
                    if (store.limiters().take(quota, "shared").admitted()) {
                        here.incrementAndGet();
                    }
                }
            });
            List<String> out = other.awaitSuccess(4, TimeUnit.MINUTES);
            long there = out.stream()
                    .filter(l -> l.startsWith("admitted "))
                    .mapToLong(l -> Long.parseLong(l.substring(9)))
                    .findFirst()
                    .orElseThrow();
            assertThat(here.get() + there).isEqualTo(1_500);
        }
        assertThat(store.limiters().take(quota, "shared").admitted()).isFalse();
    }

    @Test
    void aKilledHoldersPermitFreesAtTheEndOfItsLeaseAndNotBefore() throws Exception {
        Permits permits = Permits.of("xp-permits", 1, Duration.ofSeconds(6));
        long leaseEnd;
        java.nio.file.Path held = java.nio.file.Files.createTempFile("hourglass-permit", ".held");
        java.nio.file.Files.delete(held);
        try (SecondJvm holder = SecondJvm.start(
                LimiterWorker.class, "hold", storeUri(), "xp-permits", "1", "6000", "app", held.toString())) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (!java.nio.file.Files.exists(held)
                    && holder.process().isAlive()
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(held)
                    .as("the second JVM holds the permit: %s", holder.errorTail())
                    .exists();
            holder.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            leaseEnd = Long.parseLong(java.nio.file.Files.readString(held).split(" ")[1]);
            java.nio.file.Files.delete(held);
        }
        assertThat(store.limiters().inUse(permits, "app")).isEqualTo(1);
        int refusals = 0;
        while (System.currentTimeMillis() < leaseEnd - 100) {
            PermitDecision d = store.limiters().acquire(permits, "app");
            assertThat(d.admitted())
                    .as("the dead holder's lease has %d ms left", leaseEnd - System.currentTimeMillis())
                    .isFalse();
            assertThat(d.retryAfter().toMillis()).isLessThanOrEqualTo(6_000);
            refusals++;
            Thread.sleep(25);
        }
        assertThat(refusals).isPositive();
        while (System.currentTimeMillis() <= leaseEnd) {
            Thread.sleep(5);
        }
        assertThat(store.limiters().acquire(permits, "app").admitted())
                .as("freed when its own lease ended")
                .isTrue();
    }
}
