package dev.hourglass;

/** Operation timers tagged with their outcome; {@link #NONE} costs nothing when no registry is given. */
interface Metrics {

    Metrics NONE = new Metrics() {
        @Override
        public long start() {
            return 0L;
        }

        @Override
        public void success(Op op, long start) {}

        @Override
        public void failure(Op op, long start, Throwable error) {}
    };

    /** The start of a call, to pass to {@link #success} or {@link #failure}. */
    long start();

    /** Records a call of {@code op} that returned. */
    void success(Op op, long start);

    /** Records a call of {@code op} that threw {@code error}. */
    void failure(Op op, long start, Throwable error);
}
