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

    @Test
    void aTerminatedRouterStopsBeforeItsEmbeddedDatabase() throws Exception {
        Path log = dir.resolve("router.log");
        Path data = dir.resolve("pgdata");
        Process router = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "-Dedoc.database.embedded.dir=" + data, "-Dedoc.database.embedded.port=0",
                "-Dedoc.api.host=127.0.0.1", "-Dedoc.api.port=" + RouterFixture.freePort(), "-Dedoc.api.instances=1",
                "-Dedoc.ops.port=" + RouterFixture.freePort(), "-Dedoc.pki.dir=" + dir.resolve("pki"),
                "vn.edocaxis.Main", "run"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(log).contains("edoc-axis ready")) {
                assertThat(router.isAlive() && System.nanoTime() < deadline).as("started:\n%s", Files.readString(log)).isTrue();
                Thread.sleep(100);
            }
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
