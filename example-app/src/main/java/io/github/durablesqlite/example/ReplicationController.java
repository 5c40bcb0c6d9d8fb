package io.github.durablesqlite.example;

import io.github.durablesqlite.DurableDataSource;
import io.github.durablesqlite.ReplicationStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Replication status for the page (the same figures as the health component, in a page-friendly shape). */
@RestController
class ReplicationController {
    private final DurableDataSource dataSource;

    ReplicationController(DurableDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @GetMapping("/api/replication")
    Map<String, Object> status() {
        ReplicationStatus status = dataSource.status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("localTxid", String.format("%016x", status.localTxid()));
        body.put("remoteTxid", String.format("%016x", status.remoteTxid()));
        body.put("pendingTxids", status.pendingTxids());
        body.put("lagMillis", status.lag(Instant.now()).toMillis());
        body.put("lastUploadAt", status.lastUploadAt() == null ? null : status.lastUploadAt().toString());
        body.put("failedUploads", status.failedUploads());
        body.put("lastError", status.lastError());
        return body;
    }
}
