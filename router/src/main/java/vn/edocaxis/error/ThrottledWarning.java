package vn.edocaxis.error;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that can repeat thousands of times a second while something is down (the database,
 * above all): logged the first time, then at most once per interval, with the number of times it
 * happened since the last line. Thread-safe; one per kind of warning.
 */
public final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong loggedAt;
    private final AtomicLong unlogged = new AtomicLong();

    public ThrottledWarning(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.loggedAt = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /**
     * Counts one occurrence and logs it (SLF4J's {@code {}} placeholders) if the interval has passed
     * since the last line; the line ends with how many occurrences it stands for.
     */
    public void warn(String message, Object... arguments) {
        long count = unlogged.incrementAndGet();
        long now = System.nanoTime();
        long last = loggedAt.get();
        if (now - last >= intervalNanos && loggedAt.compareAndSet(last, now)) {
            unlogged.addAndGet(-count);
            Object[] all = new Object[arguments.length + 2];
            System.arraycopy(arguments, 0, all, 0, arguments.length);
            all[arguments.length] = count;
            all[arguments.length + 1] = Duration.ofNanos(intervalNanos).toSeconds();
            log.warn(message + " ({} time(s) since the last such line; at most one every {} s)", all);
        }
    }
}
