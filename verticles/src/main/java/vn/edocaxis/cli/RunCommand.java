package vn.edocaxis.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vn.edocaxis.RouterApplication;
import vn.edocaxis.config.ConfigLoader;
import vn.edocaxis.config.RouterConfig;

/** {@code edoc-axis run} (the default): start the router and serve until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Start the router (the default command).")
public final class RunCommand implements Callable<Integer> {

    static final Path DEFAULT_CONFIG = Path.of("conf", "router.conf");

    @Option(names = {"-c", "--config"}, description = "configuration file (default: conf/router.conf when present)")
    Path config;

    static Path configFile(Path given) {
        if (given != null) {
            return given;
        }
        return Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
    }

    @Override
    public Integer call() throws Exception {
        RouterConfig cfg = ConfigLoader.load(configFile(config), System.getenv(), System.getProperties());
        RouterApplication app = RouterApplication.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "edoc-axis-shutdown"));
        stopped.await();
        return 0;
    }
}
