package dev.hourglass;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the sweeper has done: whether it is scheduled and at what interval, its last and next run,
 * how many expired entries it removed last time and in all, and how many expired entries still wait
 * (an estimate).
 */
public record SweeperStatus(
        boolean running,
        Duration interval,
        Optional<Instant> lastRun,
        Optional<Instant> nextRun,
        long removedLastRun,
        long removedTotal,
        long backlog,
        Optional<String> lastError) {}
