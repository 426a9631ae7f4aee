package dev.hourglass;

/** Operation timers and error counts; {@link #NONE} costs nothing when no registry is given. */
interface Metrics {

    Metrics NONE = new Metrics() {
        @Override
        public long start() {
            return 0L;
        }

        @Override
        public void stop(Op op, long start) {
        }

        @Override
        public void error(Op op, Throwable error) {
        }
    };

    long start();

    void stop(Op op, long start);

    void error(Op op, Throwable error);
}
