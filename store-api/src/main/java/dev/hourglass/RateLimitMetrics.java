package dev.hourglass;

/**
 * Limiter decisions by limit name: admitted and refused takes and acquires, and permits released.
 * {@link #NONE} costs nothing.
 */
interface RateLimitMetrics {

    RateLimitMetrics NONE = new RateLimitMetrics() {
        @Override
        public void decided(String name, boolean admitted) {}

        @Override
        public void released(String name) {}
    };

    void decided(String name, boolean admitted);

    void released(String name);
}
