package vn.edocaxis.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Watches the disk the database writes to, independently of it: every 20 ms one 8 KB write and
 * an fdatasync ({@code force(false)}) of a file of its own, noting each that takes over 50 ms. A
 * latency tail that lines up with these stalls is the storage's, not the router's: any durable
 * commit waits for them.
 */
final class DiskProbe implements AutoCloseable {

    static final long SLOW_NANOS = 50_000_000L;

    /** One slow write: when it started ({@link System#nanoTime()}) and how long it took. */
    record Stall(long startNanos, long nanos) {
    }

    private final FileChannel file;
    private final List<Stall> stalls = new ArrayList<>();
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
                if (took > SLOW_NANOS) {
                    synchronized (stalls) {
                        stalls.add(new Stall(t, took));
                    }
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            System.err.println("disk probe stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
