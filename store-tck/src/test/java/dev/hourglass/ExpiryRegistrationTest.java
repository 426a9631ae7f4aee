package dev.hourglass;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hourglass.contract.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The handle {@link Sessions#onExpiry} returns: closing it throws nothing checked and removes only its listener. */
class ExpiryRegistrationTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void closingARegistrationRemovesItsListenerOnlyAndMayBeRepeated() {
        List<String> kept = new CopyOnWriteArrayList<>();
        List<String> removed = new CopyOnWriteArrayList<>();
        StoreOptions options =
                StoreOptions.builder().clock(clock).sweeperAutoStart(false).build();
        try (Store store = Hourglass.open("memory:", options)) {
            ExpiryListener shared = kept::add;
            ExpiryRegistration stays = store.sessions().onExpiry(shared);
            store.sessions().onExpiry(shared).close();
            try (ExpiryRegistration goes = store.sessions().onExpiry(removed::add)) {
                store.sessions().put("first", Attributes.empty(), Duration.ofSeconds(1));
                clock.advance(Duration.ofSeconds(2));
                store.sweeper().orElseThrow().runNow();
                goes.close();
            }
            store.sessions().onExpiry(shared).close();
            store.sessions().put("second", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            store.sweeper().orElseThrow().runNow();
            stays.close();
            store.sessions().put("third", Attributes.empty(), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            store.sweeper().orElseThrow().runNow();
        }
        assertThat(removed).containsExactly("first");
        assertThat(kept).containsExactly("first", "second");
    }
}
