package dev.hourglass.chronicle;

/** A per-thread buffer values are copied into before they are decoded outside the entry's lock. */
final class Scratch {

    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private byte[] buffer = new byte[4096];

    static byte[] buffer(int length) {
        Scratch s = LOCAL.get();
        if (s.buffer.length < length) {
            s.buffer = new byte[Math.max(length, s.buffer.length * 2)];
        }
        return s.buffer;
    }
}
