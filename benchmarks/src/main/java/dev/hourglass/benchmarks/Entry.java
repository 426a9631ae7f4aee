package dev.hourglass.benchmarks;

import dev.hourglass.Attributes;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/** What the hand-written in-memory baselines keep per session: the same fields as a Hourglass session. */
record Entry(Attributes attributes, long createdAt, long accessedAt, long expiresAt, long version) {

    private static final AtomicLong VERSIONS = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder IDS = Base64.getUrlEncoder().withoutPadding();

    static Entry of(Attributes attributes, long now) {
        return new Entry(attributes, now, now, now + Data.TTL_MILLIS, VERSIONS.incrementAndGet());
    }

    boolean live(long now) {
        return expiresAt > now;
    }

    Entry touched(long now) {
        return new Entry(attributes, createdAt, now, now + Data.TTL_MILLIS, version);
    }

    Entry with(Attributes next) {
        return new Entry(next, createdAt, accessedAt, expiresAt, VERSIONS.incrementAndGet());
    }

    /** A new random id, made as Hourglass makes them (128 bits from SecureRandom, base64url). */
    static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return IDS.encodeToString(b);
    }
}
