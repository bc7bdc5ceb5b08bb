package vn.edocaxis;

import java.util.Arrays;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import vn.edocaxis.cli.AuditCommand;
import vn.edocaxis.cli.PkiCommand;
import vn.edocaxis.cli.RunCommand;
import vn.edocaxis.config.ConfigError;

/** Entry point: {@code edoc-axis [run] [-c FILE]} starts the router; {@code edoc-axis pki} makes the development PKI. */
@Command(name = "edoc-axis", mixinStandardHelpOptions = true, version = "edoc-axis 0.1",
        description = "Router for official electronic documents (edXML) between government bodies.",
        subcommands = {RunCommand.class, PkiCommand.class, AuditCommand.class})
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        String[] effective = args.length == 0 || args[0].startsWith("-") && !isHelp(args[0]) ? prepend("run", args) : args;
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable root = e;
            while (!(root instanceof ConfigError) && root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof ConfigError) {
                commandLine.getErr().println("edoc-axis: " + root.getMessage());
                return 2;
            }
            LoggerFactory.getLogger(Main.class).error("edoc-axis could not start", e);
            commandLine.getErr().println("edoc-axis: " + e);
            return 1;
        });
        int code = cli.execute(effective);
        if (code != 0) {
            System.exit(code);
        }
    }

    private static boolean isHelp(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return Arrays.copyOf(out, out.length);
    }
}
