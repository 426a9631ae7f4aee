package dev.hourglass;

import java.time.Duration;

/**
 * Uses a store the way an application without Micrometer on its class path does, and prints
 * {@code ok}; run by {@link WithoutMicrometerTest} in a JVM whose class path lacks Micrometer.
 */
public final class WithoutMicrometerMain {

    private WithoutMicrometerMain() {}

    public static void main(String[] args) {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            System.out.println("micrometer is on the class path");
            return;
        } catch (ClassNotFoundException expected) {
            // the case under test
        }
        try {
            StoreOptions.builder().meterRegistry(new Object());
            System.out.println("a non-registry was accepted");
            return;
        } catch (IllegalArgumentException expected) {
            // refused by name
        }
        StoreOptions options = StoreOptions.builder().sweeperAutoStart(false).build().toBuilder()
                .timeout(Duration.ofSeconds(1))
                .build();
        try (Store store = Hourglass.open("memory:", options)) {
            store.sessions().put("a", Attributes.empty().with("k", "v"), Duration.ofMinutes(1));
            String value = store.sessions().get("a").orElseThrow().attributes().getString("k");
            store.streams().open("s", Attributes.empty(), Duration.ofMinutes(1));
            store.streams().append("s", new byte[] {1, 2});
            int size = store.streams()
                    .next("s", "r")
                    .orElseThrow()
                    .message()
                    .orElseThrow()
                    .payload()
                    .length;
            store.sweeper().orElseThrow().runNow();
            System.out.println(value.equals("v") && size == 2 ? "ok" : "wrong values: " + value + ", " + size);
        }
    }
}
