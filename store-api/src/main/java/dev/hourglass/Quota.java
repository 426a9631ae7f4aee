package dev.hourglass;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;

/**
 * Take up to {@code limit} per fixed window. A rolling quota's window starts at the first take
 * after the previous window ended and lasts {@code window}; a calendar quota's windows are the
 * calendar's minutes, hours, days, weeks (from Monday) or months in {@code zone}, so a daily quota
 * resets at local midnight, whatever the length of that day.
 *
 * <p>Exact: the count and the window's end live in one stored entry updated atomically, so no
 * window admits more than {@code limit}. State per key: one count and one end time.
 *
 * @param calendar the calendar unit, or null for a rolling window
 * @param zone     the calendar's time zone, or null for a rolling window
 */
public record Quota(String name, long limit, Duration window, ChronoUnit calendar, ZoneId zone) implements RateLimit {

    private static final Set<ChronoUnit> UNITS =
            Set.of(ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.DAYS, ChronoUnit.WEEKS, ChronoUnit.MONTHS);

    /**
     * @throws IllegalArgumentException when the name, limit, window, unit or zone is out of range,
     *                                  naming which
     */
    public Quota {
        RateLimitChecks.name(name);
        RateLimitChecks.positive("limit", limit, MAX_LIMIT);
        if ((calendar == null) != (zone == null)) {
            throw new IllegalArgumentException(
                    "calendar and zone must both be given or both be null, were " + calendar + " and " + zone);
        }
        if (calendar != null) {
            if (!UNITS.contains(calendar)) {
                throw new IllegalArgumentException(
                        "calendar must be one of MINUTES, HOURS, DAYS, WEEKS, MONTHS, was " + calendar);
            }
            window = calendar.getDuration();
        }
        RateLimitChecks.duration("window", window, MAX_WINDOW);
    }

    /**
     * A window that starts at the first take and lasts {@code window}.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static Quota rolling(String name, long limit, Duration window) {
        return new Quota(name, limit, window, null, null);
    }

    /**
     * Windows aligned to the calendar unit in {@code zone}.
     *
     * @throws IllegalArgumentException when an argument is out of range, naming it
     */
    public static Quota calendar(String name, long limit, ChronoUnit unit, ZoneId zone) {
        if (unit == null) {
            throw new IllegalArgumentException("calendar must not be null");
        }
        if (zone == null) {
            throw new IllegalArgumentException("zone must not be null");
        }
        return new Quota(name, limit, null, unit, zone);
    }

    /** A quota that resets at local midnight in {@code zone}. */
    public static Quota perDay(String name, long limit, ZoneId zone) {
        return calendar(name, limit, ChronoUnit.DAYS, zone);
    }

    /** Whether windows follow the calendar rather than the first take. */
    public boolean aligned() {
        return calendar != null;
    }

    /** The end (epoch ms) of a window that would start at {@code now}. */
    public long windowEnd(long now) {
        if (calendar == null) {
            return now + window.toMillis();
        }
        ZonedDateTime t = Instant.ofEpochMilli(now).atZone(zone);
        ZonedDateTime next = switch (calendar) {
            case MINUTES -> t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            case HOURS -> t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            case DAYS -> t.toLocalDate().plusDays(1).atStartOfDay(zone);
            case WEEKS ->
                t.toLocalDate().with(TemporalAdjusters.next(DayOfWeek.MONDAY)).atStartOfDay(zone);
            default -> t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(zone);
        };
        return next.toInstant().toEpochMilli();
    }
}
