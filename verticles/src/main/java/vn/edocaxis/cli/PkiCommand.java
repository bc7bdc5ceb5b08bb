package vn.edocaxis.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.edocaxis.DemoDirectory;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;

/** {@code edoc-axis pki}: generate the development PKI explicitly. */
@Command(name = "pki", mixinStandardHelpOptions = true,
        description = "Generate the development PKI (CA, server, operator and demo system certificates).")
public final class PkiCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "configuration file (default: conf/router.conf when present)")
    Path config;

    @Option(names = "--force", description = "replace an existing PKI in the directory")
    boolean force;

    @Override
    public Integer call() {
        RouterConfig cfg = ConfigLoader.load(RunCommand.configFile(config), System.getenv(), System.getProperties());
        Path dir = cfg.pki().dir();
        if (DevPki.exists(dir) && !force) {
            System.err.println("edoc-axis: a PKI already exists in " + dir.toAbsolutePath() + " (use --force to replace it)");
            return 2;
        }
        DevPki.generate(dir, DemoDirectory.systemIds());
        System.out.println(DevPki.describe(dir, DemoDirectory.systemIds()));
        return 0;
    }
}
