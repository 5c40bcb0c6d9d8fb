package io.github.durablesqlite;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlStatementsTest {
    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "  select * from t", "-- note\nSELECT 1", "/* x */ explain select 1",
            "VALUES (1)", "WITH a AS (SELECT 1) SELECT * FROM a", "PRAGMA user_version", "BEGIN", "ROLLBACK",
            "savepoint s"})
    void readsAreNotHeldBack(String sql) {
        assertThat(SqlStatements.mayWrite(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "update t set v = 1", "DELETE FROM t", "REPLACE INTO t VALUES (1)",
            "CREATE TABLE x(a)", "WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", "PRAGMA user_version = 3",
            "PRAGMA wal_checkpoint(TRUNCATE)", "COMMIT", "END", "RELEASE s", "VACUUM", "/* c */ insert into t values (2)",
            ""})
    void writesAndTheUnknownAre(String sql) {
        assertThat(SqlStatements.mayWrite(sql)).isTrue();
    }
}
