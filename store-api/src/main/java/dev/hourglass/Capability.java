package dev.hourglass;

/** Optional features a backend declares, so callers check instead of catching exceptions. */
public enum Capability {
    /** The engine expires entries itself; no sweeper is needed to free space. */
    NATIVE_TTL,
    /** Data survives a restart of the process. */
    PERSISTENT,
    /** Several processes on one host share the data with the same atomicity as threads. */
    CROSS_PROCESS,
    /** Several hosts share the data with the same atomicity as threads. */
    CROSS_NODE,
    /** A blocking read is woken by the append itself rather than by polling. */
    BLOCKING_READS_NOTIFIED
}
