package vn.edocaxis.cli;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vn.edocaxis.EmbeddedDatabase;
import vn.edocaxis.config.ConfigError;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;
import vn.edocaxis.store.AuditRepository;

/**
 * {@code edoc-axis audit verify}: walks the audit trail's hash chain and reports the first broken
 * link (exit status 3) or that it holds (0), with the head hash to record elsewhere. Works with
 * the router running or not: with the embedded database it connects to the running instance, or
 * starts the database itself.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Verify the audit trail's hash chain.")
public final class AuditCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "verify")
    String action;

    @Option(names = {"-c", "--config"}, description = "configuration file (default: conf/router.conf when present)")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (!"verify".equals(action)) {
            throw new ConfigError("unknown audit action " + action + " (use: audit verify)");
        }
        RouterConfig cfg = ConfigLoader.load(RunCommand.configFile(config), System.getenv(), System.getProperties());
        EmbeddedDatabase started = null;
        PgConnectOptions connect;
        if (cfg.database().embedded()) {
            Path pid = cfg.database().embeddedDir().resolve("postmaster.pid");
            Integer port = runningPort(pid);
            if (port == null) {
                started = EmbeddedDatabase.start(cfg.database().embeddedDir(), 0);
                port = started.port();
            }
            connect = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("postgres").setUser(cfg.database().user());
        } else {
            connect = PgConnectOptions.fromUri(cfg.database().url().replaceFirst("^postgres://", "postgresql://"))
                    .setUser(cfg.database().user()).setPassword(cfg.database().password());
        }
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = PgBuilder.pool().connectingTo(connect).using(vertx).build();
            AuditRepository.Verification v = new AuditRepository(pool).verify(10_000)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
            return report(v);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (started != null) {
                started.close();
            }
        }
    }

    /** Prints the outcome; the process exit status. */
    public static int report(AuditRepository.Verification v) {
        if (v.intact()) {
            System.out.println("audit trail intact: " + v.checked() + " sealed entries; head hash " + v.headHash());
            return 0;
        }
        System.out.println("audit trail BROKEN at chain position " + v.brokenLink() + " (entry id " + v.entryId() + "): "
                + v.reason() + "; " + v.checked() + " entries before it verified");
        return 3;
    }

    private static Integer runningPort(Path pidFile) {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return null;
            }
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Integer.parseInt(lines.get(3).trim());
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
