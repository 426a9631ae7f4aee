package dev.hourglass;

/**
 * Limiter decisions by limit name: admitted and refused takes and acquires, and the permits this
 * store handle holds. {@link #NONE} costs nothing.
 */
interface RateLimitMetrics {

    RateLimitMetrics NONE = new RateLimitMetrics() {
        @Override
        public void decided(String name, boolean admitted) {}

        @Override
        public void acquired(String name, String permitId, long leaseEnd, long now) {}

        @Override
        public void renewed(String name, String permitId, long leaseEnd) {}

        @Override
        public void released(String name, String permitId) {}
    };

    void decided(String name, boolean admitted);

    /** A permit was granted to this handle until {@code leaseEnd} (epoch ms of the store's clock). */
    void acquired(String name, String permitId, long leaseEnd, long now);

    /** A permit's lease was extended to {@code leaseEnd}. */
    void renewed(String name, String permitId, long leaseEnd);

    /** A live permit was released. */
    void released(String name, String permitId);
}
