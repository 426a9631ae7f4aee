package dev.hourglass.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.StoreException;
import dev.hourglass.StoreOptions;
import dev.hourglass.StoreUnavailableException;
import dev.hourglass.Sweeper;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What a failed sweep reports: the store's own words, never class names, hosts or passwords. */
class SweeperFailureTest {

    private static String lastErrorAfter(Supplier<RuntimeException> failure) {
        Sweeper sweeper = new DefaultSweeper(
                "test",
                new SweepTask() {
                    @Override
                    public int sweep(long now, int batchSize) {
                        throw failure.get();
                    }

                    @Override
                    public long backlog(long now) {
                        return 0;
                    }
                },
                StoreOptions.builder().sweeperAutoStart(false).build());
        return sweeper.runNow().lastError().orElseThrow();
    }

    @Test
    void anUnexpectedFailureIsReportedWithoutItsClassOrMessage() {
        String e = lastErrorAfter(() -> new IllegalStateException("pool at 10.0.0.7:6379 broke, password=hunter2"));
        assertThat(e)
                .contains("unexpected failure")
                .doesNotContain("IllegalState")
                .doesNotContain("10.0.0.7")
                .doesNotContain("hunter2");
    }

    @Test
    void storeFailuresKeepTheStoresMessageWithPasswordsMasked() {
        assertThat(lastErrorAfter(() ->
                        new StoreException("lease table missing; url jdbc:mysql://u:hunter2@db/x?password=hunter2")))
                .contains("lease table missing")
                .doesNotContain("hunter2")
                .doesNotContain("StoreException");
        assertThat(lastErrorAfter(() -> new StoreUnavailableException("connection reset by 10.0.0.7:6379")))
                .isEqualTo("the store is unavailable");
    }
}
