package vn.edocaxis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run` on its embedded PostgreSQL, stopped as a service manager stops it (SIGTERM): the router
 * stops before its database, so the stop logs no lost database connection, and the database shuts
 * down cleanly with the process.
 */
class ShutdownTest {

    @TempDir
    Path dir;

    /** {@code run} as its own process on the embedded database under {@code dir/pgdata}, its output in {@code log}. */
    Process start(Path log) throws Exception {
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Dedoc.database.embedded.dir=" + dir.resolve("pgdata"), "-Dedoc.database.embedded.port=0",
                "-Dedoc.api.host=127.0.0.1", "-Dedoc.api.port=" + RouterFixture.freePort(), "-Dedoc.api.instances=1",
                "-Dedoc.ops.port=" + RouterFixture.freePort(), "-Dedoc.pki.dir=" + dir.resolve("pki"),
                "vn.edocaxis.Main", "run"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static void awaitReady(Process router, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains("edoc-axis ready")) {
            assertThat(router.isAlive() && System.nanoTime() < deadline).as("started:\n%s", Files.readString(log)).isTrue();
            Thread.sleep(100);
        }
    }

    /**
     * A router killed outright (SIGKILL, the OOM killer) leaves its embedded PostgreSQL running: the
     * next start waited 60 s for a server that could not start on the same directory, then failed.
     * Now it stops the left-over; and a second router on a directory in use is refused at once.
     */
    @Test
    void aKilledRoutersDatabaseIsStoppedByTheNextStartAndASecondRouterIsRefused() throws Exception {
        Path data = dir.resolve("pgdata");
        Process first = start(dir.resolve("first.log"));
        Process second = null;
        long leftOver = -1;
        try {
            awaitReady(first, dir.resolve("first.log"));
            leftOver = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(ProcessHandle.of(leftOver).map(ProcessHandle::isAlive)).as("the killed router's database still runs").contains(true);

            long started = System.nanoTime();
            second = start(dir.resolve("second.log"));
            awaitReady(second, dir.resolve("second.log"));
            assertThat(Files.readString(dir.resolve("second.log"))).contains("the embedded PostgreSQL of a previous run (pid " + leftOver + ")");
            assertThat(ProcessHandle.of(leftOver).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).as("no 60-s wait").isLessThan(50);

            Process third = start(dir.resolve("third.log"));
            assertThat(third.waitFor(60, TimeUnit.SECONDS)).as("refused at once").isTrue();
            assertThat(third.exitValue()).isNotZero();
            assertThat(Files.readString(dir.resolve("third.log"))).contains("is in use by another running router");
            assertThat(second.isAlive()).as("the running router and its database untouched").isTrue();
            assertThat(ProcessHandle.of(Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip()))
                    .map(ProcessHandle::isAlive)).contains(true);
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            if (second != null) {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            if (leftOver > 0) {
                ProcessHandle.of(leftOver).ifPresent(ProcessHandle::destroy); // should the test fail before the second start
            }
        }
    }

    @Test
    void aTerminatedRouterStopsBeforeItsEmbeddedDatabase() throws Exception {
        Path log = dir.resolve("router.log");
        Path data = dir.resolve("pgdata");
        Process router = start(log);
        try {
            awaitReady(router, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // the LISTEN connection is up once this is logged: it is what saw the database go first
            while (!Files.readString(log).contains("listening for deliveries")) {
                assertThat(System.nanoTime() < deadline).as("listening:\n%s", Files.readString(log)).isTrue();
                Thread.sleep(100);
            }
            assertThat(Files.exists(data.resolve("postmaster.pid"))).as("the database runs").isTrue();

            router.destroy(); // SIGTERM
            assertThat(router.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
            String output = Files.readString(log);
            assertThat(output).doesNotContain("terminating connection due to administrator command")
                    .doesNotContain("no notification connection to the database")
                    .doesNotContain(" ERROR ");
            assertThat(Files.exists(data.resolve("postmaster.pid"))).as("the database was shut down with the router").isFalse();
        } finally {
            router.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
