package vn.edocaxis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Watches the disk the database writes to, independently of it: every 20 ms one 8 KB write and
 * an fdatasync ({@code force(false)}) of a file of its own, noting each that takes over 50 ms. A
 * latency tail that lines up with these stalls is the storage's, not the router's: any durable
 * commit waits for them.
 *
 * <p>It also notes the kernel's dirty page cache ({@code Dirty} in {@code /proc/meminfo}) at each
 * probe: on the development VM the large stalls came when several hundred MB of it were written
 * back at once (docs/BENCHMARKS.md, kernel writeback).
 */
final class DiskProbe implements AutoCloseable {

    static final long SLOW_NANOS = 50_000_000L;

    /** One slow write: when it started ({@link System#nanoTime()}) and how long it took. */
    record Stall(long startNanos, long nanos) {
    }

    private final FileChannel file;
    private final List<Stall> stalls = new ArrayList<>();
    /** The largest dirty page cache seen, in kB, by second of the probe's life (guarded by {@link #stalls}). */
    private final Map<Long, Long> dirtyKbBySecond = new HashMap<>();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;

    DiskProbe(Path path) {
        try {
            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, "disk-probe");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        ByteBuffer block = ByteBuffer.allocateDirect(8192);
        try {
            while (running) {
                long t = System.nanoTime();
                block.clear();
                file.write(block, 0);
                file.force(false);
                long took = System.nanoTime() - t;
                long dirty = dirtyKb();
                synchronized (stalls) {
                    if (took > SLOW_NANOS) {
                        stalls.add(new Stall(t, took));
                    }
                    dirtyKbBySecond.merge((t - startNanos) / 1_000_000_000L, dirty, Math::max);
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            System.err.println("disk probe stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The kernel's dirty page cache in kB, or -1 where /proc/meminfo does not say. */
    private static long dirtyKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("Dirty:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: nothing to report
        }
        return -1;
    }

    /** The largest dirty page cache seen between two instants ({@link System#nanoTime()}), described. */
    String describeDirty(long from, long to) {
        long max;
        synchronized (stalls) {
            max = dirtyKbBySecond.entrySet().stream()
                    .filter(e -> e.getKey() >= (from - startNanos) / 1_000_000_000L && e.getKey() <= (to - startNanos) / 1_000_000_000L)
                    .mapToLong(Map.Entry::getValue).max().orElse(-1);
        }
        return max < 0 ? "kernel dirty page cache: not known" : String.format(Locale.ROOT, "kernel dirty page cache: at most %d MB", max / 1024);
    }

    /** The stalls between two instants ({@link System#nanoTime()}), described for a phase that began at {@code from}. */
    String describe(long from, long to) {
        List<Stall> in;
        synchronized (stalls) {
            in = stalls.stream().filter(s -> s.startNanos() >= from && s.startNanos() < to).toList();
        }
        if (in.isEmpty()) {
            return "disk probe: no fdatasync over 50 ms";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "disk probe: %d fdatasync(s) over 50 ms, %d ms in all, worst %d ms; at second:", in.size(),
                in.stream().mapToLong(Stall::nanos).sum() / 1_000_000, in.stream().mapToLong(Stall::nanos).max().orElse(0) / 1_000_000));
        for (Stall s : in) {
            out.append(String.format(Locale.ROOT, " %d (%d ms)", (s.startNanos() - from) / 1_000_000_000L, s.nanos() / 1_000_000));
        }
        return out.toString();
    }

    @Override
    public void close() throws IOException {
        running = false;
        thread.interrupt();
        file.close();
    }
}
