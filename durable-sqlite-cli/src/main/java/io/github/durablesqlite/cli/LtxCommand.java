package io.github.durablesqlite.cli;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "ltx", description = "List the LTX files of a replica.")
final class LtxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Option(names = "--level", paramLabel = "N|all", defaultValue = "all",
            description = "Level to list, 0-9, or all (default).")
    String level;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Parameters(index = "0", paramLabel = "REPLICA_URL")
    String replicaUrl;

    @Override
    public Integer call() throws Exception {
        int[] levels = parseLevels(level);
        List<LtxFileInfo> files = new ArrayList<>();
        try (ReplicaClient client = ReplicaOption.open(replicaUrl, main.env)) {
            for (int l : levels) {
                files.addAll(client.listFiles(l, true));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            printJson(out, files);
        } else {
            out.printf("%-5s  %-16s  %-16s  %12s  %s%n", "level", "min_txid", "max_txid", "size", "created");
            for (LtxFileInfo f : files) {
                out.printf("%-5d  %s  %s  %12d  %s%n", f.level(), Txids.format(f.minTxid()), Txids.format(f.maxTxid()),
                        f.size(), f.createdAt());
            }
        }
        return 0;
    }

    private static void printJson(PrintWriter out, List<LtxFileInfo> files) {
        out.println("[");
        for (int i = 0; i < files.size(); i++) {
            LtxFileInfo f = files.get(i);
            out.printf("  {\"level\": %d, \"minTxid\": \"%s\", \"maxTxid\": \"%s\", \"size\": %d, \"createdAt\": %s}%s%n",
                    f.level(), Txids.format(f.minTxid()), Txids.format(f.maxTxid()), f.size(),
                    f.createdAt() == null ? "null" : "\"" + f.createdAt() + "\"", i + 1 < files.size() ? "," : "");
        }
        out.println("]");
    }

    static int[] parseLevels(String text) {
        if (text.equalsIgnoreCase("all")) {
            return new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= 0 && value <= 9) {
                return new int[] {value};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("invalid --level '" + text + "': use a level from 0 to 9, or all");
    }
}
