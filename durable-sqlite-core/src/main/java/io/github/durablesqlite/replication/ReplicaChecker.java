package io.github.durablesqlite.replication;

import io.github.durablesqlite.ltx.LtxDecoder;
import io.github.durablesqlite.ltx.LtxFormatException;
import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every file of a replica, at every level, to its end: structure, page index and file
 * checksum. A restore checks only the files it plans; this finds damage anywhere, such as in a
 * level-0 file a snapshot made unnecessary today but a point-in-time restore needs tomorrow.
 */
public final class ReplicaChecker {

    /**
     * What the check found.
     *
     * @param files    files read
     * @param bytes    bytes read
     * @param problems one line per damaged file, naming it; empty when all are intact
     */
    public record Result(int files, long bytes, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ReplicaChecker() {}

    /** Checks every file; a store that cannot be read is an {@link IOException}, a damaged file a problem. */
    public static Result checkAll(ReplicaClient client) throws IOException {
        List<LtxFileInfo> files = ReplicaInspector.allFiles(client, false);
        List<String> problems = new ArrayList<>();
        long bytes = 0;
        for (LtxFileInfo file : files) {
            String name = ReplicaInspector.describe(client, file);
            try (InputStream in = new BufferedInputStream(client.openFile(file.level(), file.minTxid(),
                    file.maxTxid()), 64 * 1024);
                 LtxDecoder decoder = new LtxDecoder(in, name)) {
                byte[] page = new byte[decoder.header().pageSize()];
                while (decoder.nextPage(page) != 0) {
                    // every page is decompressed and hashed on the way
                }
                decoder.finish();
                bytes += file.size();
            } catch (java.nio.file.NoSuchFileException gone) {
                // deleted by retention since the listing: not damage
            } catch (LtxFormatException damaged) {
                problems.add(damaged.getMessage());
            }
        }
        return new Result(files.size(), bytes, problems);
    }
}
