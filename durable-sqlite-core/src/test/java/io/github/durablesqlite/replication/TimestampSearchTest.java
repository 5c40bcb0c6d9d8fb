package io.github.durablesqlite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.replica.LtxFileInfo;
import io.github.durablesqlite.replica.ReplicaClient;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Listing times as S3 gives them (upload time, whole seconds), exact times only by asking per file. */
class TimestampSearchTest {
    private static final Instant START = Instant.parse("2026-03-02T00:00:00Z");

    /** TXID n was committed at START + n seconds (+0.5 s) and uploaded {@code delay} seconds later. */
    private static final class ListedLate implements ReplicaClient {
        final AtomicInteger heads = new AtomicInteger();

        @Override
        public Instant readTimestamp(LtxFileInfo file) {
            heads.incrementAndGet();
            return START.plusSeconds(file.maxTxid()).plusMillis(500);
        }

        @Override
        public String type() {
            return "s3";
        }

        @Override
        public String describe() {
            return "s3://test";
        }

        @Override
        public List<LtxFileInfo> listFiles(int level, boolean withTimestamps) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openFile(int level, long minTxid, long maxTxid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LtxFileInfo writeFile(int level, long minTxid, long maxTxid, Path source, Instant timestamp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteFiles(Collection<LtxFileInfo> files) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteAll() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static List<LtxFileInfo> listed(int count, long uploadDelaySeconds) {
        List<LtxFileInfo> files = new ArrayList<>();
        for (long txid = 1; txid <= count; txid++) {
            files.add(new LtxFileInfo(0, txid, txid, 1, START.plusSeconds(txid + 1 + uploadDelaySeconds)));
        }
        return files;
    }

    @Test
    void readsOnlyTheFilesTheListingCannotDecideAndFindsTheExactTxid() throws Exception {
        ListedLate client = new ListedLate();
        List<LtxFileInfo> files = listed(100_000, 0);
        Instant target = START.plusSeconds(40_000).plusMillis(700);
        assertThat(TimestampSearch.txidAt(client, files, target)).isEqualTo(40_000);
        assertThat(client.heads.get()).as("metadata reads").isLessThanOrEqualTo(2 * TimestampSearch.PROBES);
    }

    @Test
    void filesUploadedLongAfterTheyWereWrittenAreStillPlacedByTheirOwnTime() throws Exception {
        ListedLate client = new ListedLate();
        List<LtxFileInfo> files = listed(100_000, 3 * 3600); // an outage held every upload for three hours
        Instant target = START.plusSeconds(77_777);
        assertThat(TimestampSearch.txidAt(client, files, target)).isEqualTo(77_776);
        assertThat(client.heads.get()).isLessThanOrEqualTo(5 * TimestampSearch.PROBES);
    }

    @Test
    void probesSpreadOverTheOpenInterval() {
        assertThat(TimestampSearch.probes(-1, 3)).containsExactly(0, 1, 2);
        assertThat(TimestampSearch.probes(10, 16)).containsExactly(11, 12, 13, 14, 15);
        List<Integer> wide = TimestampSearch.probes(-1, 1000);
        assertThat(wide).hasSize(TimestampSearch.PROBES).isSorted().doesNotHaveDuplicates();
        assertThat(wide.get(0)).isPositive();
        assertThat(wide.get(wide.size() - 1)).isLessThan(1000);
    }
}
