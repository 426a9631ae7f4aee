package dev.hourglass.chronicle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.Hourglass;
import dev.hourglass.Permits;
import dev.hourglass.Quota;
import dev.hourglass.SlidingWindow;
import dev.hourglass.Store;
import dev.hourglass.StoreOptions;
import dev.hourglass.contract.LimiterContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChronicleLimiterTest extends LimiterContract {

    @TempDir
    Path dir;

    @Override
    protected Store openStore(StoreOptions options) {
        return Hourglass.open("chronicle:" + dir + "?maxSessions=20000&maxStreams=100&maxMessages=1000", options);
    }

    @Test
    void theSweeperRemovesExpiredLimiterKeys() {
        StoreDirectory d = StoreDirectory.attached(dir);
        Quota q = Quota.rolling("swept", 5, Duration.ofSeconds(30));
        Permits p = Permits.of("swept", 2, Duration.ofSeconds(10));
        for (int i = 0; i < 300; i++) {
            limiters.take(q, "tenant-" + i);
            limiters.acquire(p, "app-" + i);
        }
        assertThat(d.limiters.longSize()).isEqualTo(600);
        clock.advance(Duration.ofSeconds(11));
        store.sweeper().orElseThrow().runNow();
        assertThat(d.limiters.longSize())
                .as("the permits' keys ended with their leases")
                .isEqualTo(300);
        clock.advance(Duration.ofSeconds(20));
        store.sweeper().orElseThrow().runNow();
        assertThat(d.limiters.longSize()).isZero();
    }

    @Test
    void aKeyTakenAgainLivesOnPastItsFirstDueTime() {
        StoreDirectory d = StoreDirectory.attached(dir);
        SlidingWindow w = SlidingWindow.exact("renewed", 100, Duration.ofSeconds(10));
        for (int i = 0; i < 6; i++) {
            limiters.take(w, "user");
            clock.advance(Duration.ofSeconds(5));
            store.sweeper().orElseThrow().runNow();
            assertThat(d.limiters.longSize()).as("round %d", i).isEqualTo(1);
        }
        assertThat(limiters.take(w, "user").remaining())
                .as("the take 5 s ago and this one")
                .isEqualTo(98);
        clock.advance(Duration.ofSeconds(10));
        store.sweeper().orElseThrow().runNow();
        assertThat(d.limiters.longSize()).isZero();
    }

    @Test
    void countsSurviveAReopen() {
        Quota q = Quota.rolling("persistent", 3, Duration.ofHours(1));
        limiters.take(q, "k", 2);
        store.close();
        store = openStore(options());
        limiters = store.limiters();
        assertThat(limiters.take(q, "k").remaining()).isZero();
        assertThat(limiters.take(q, "k").admitted()).isFalse();
    }
}
