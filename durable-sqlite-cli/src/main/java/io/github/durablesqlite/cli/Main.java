package io.github.durablesqlite.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code durable-sqlite}: replicate a SQLite database, restore it, and inspect replicas. */
@Command(name = "durable-sqlite", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Continuous replication of SQLite databases to S3 or a directory, in Litestream's format.",
        subcommands = {ReplicateCommand.class, RestoreCommand.class, LtxCommand.class, VerifyCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** Where credentials come from; the process environment except in tests. */
    final Map<String, String> env;

    private Main(Map<String, String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs one command; returns the exit code. Errors are one line on {@code err}. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new Main(env));
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, arguments) -> {
            err.println("durable-sqlite: " + e.getMessage());
            err.println("Run 'durable-sqlite " + commandPath(e.getCommandLine()) + "--help' for usage.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("durable-sqlite: " + oneLine(e));
            return 1;
        });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine commandLine) {
        String name = commandLine.getCommandName();
        return name.equals("durable-sqlite") ? "" : name + " ";
    }

    /** The message a user needs: the exception's own, or its cause's when it has none. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return message.replace('\n', ' ');
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"durable-sqlite " + (version != null ? version : "development build")};
        }
    }
}
