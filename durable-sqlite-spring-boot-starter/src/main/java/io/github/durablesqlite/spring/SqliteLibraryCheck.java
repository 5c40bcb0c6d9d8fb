package io.github.durablesqlite.spring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Warns when the sqlite-jdbc on the classpath bundles a SQLite with the WAL-reset corruption bug
 * (fixed in 3.51.3) that replication's topology, one connection checkpointing while others write,
 * can hit. A build that imports another BOM's dependency management may downgrade sqlite-jdbc
 * without anyone noticing.
 */
final class SqliteLibraryCheck {

    private static final Logger log = LoggerFactory.getLogger(SqliteLibraryCheck.class);
    private static final int[] FIXED_IN = {3, 51, 3};

    private SqliteLibraryCheck() {
    }

    static void warnIfAffected() {
        String version = SQLiteJDBCLoader.getVersion();
        if (isAffected(version)) {
            log.warn("sqlite-jdbc {} bundles a SQLite older than 3.51.3, which can corrupt a WAL database when one "
                    + "connection checkpoints while others write, as replication does: use sqlite-jdbc 3.54.1.0 or "
                    + "newer (with Spring Boot's dependency management: <sqlite-jdbc.version>3.54.1.0</sqlite-jdbc.version>)",
                    version);
        }
    }

    /** True for a version below 3.51.3; false for one that cannot be read, so a repackaged jar does not warn. */
    static boolean isAffected(String version) {
        if (version == null) {
            return false;
        }
        String[] parts = version.split("\\.");
        try {
            for (int i = 0; i < FIXED_IN.length; i++) {
                int part = i < parts.length ? Integer.parseInt(parts[i]) : 0;
                if (part != FIXED_IN[i]) {
                    return part < FIXED_IN[i];
                }
            }
            return false;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
