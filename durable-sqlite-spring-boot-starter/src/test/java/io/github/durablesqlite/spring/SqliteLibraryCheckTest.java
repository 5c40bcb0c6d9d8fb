package io.github.durablesqlite.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteJDBCLoader;

/** Which sqlite-jdbc versions carry SQLite's WAL-reset bug. */
class SqliteLibraryCheckTest {

    @Test
    void versionsBefore3513AreAffected() {
        assertThat(SqliteLibraryCheck.isAffected("3.51.2.0")).isTrue();
        assertThat(SqliteLibraryCheck.isAffected("3.50.3.0")).isTrue();
        assertThat(SqliteLibraryCheck.isAffected("3.8.11.2")).isTrue();
    }

    @Test
    void theFixAndLaterAreNot() {
        assertThat(SqliteLibraryCheck.isAffected("3.51.3.0")).isFalse();
        assertThat(SqliteLibraryCheck.isAffected("3.53.4.0")).isFalse();
        assertThat(SqliteLibraryCheck.isAffected("3.54.1.0")).isFalse();
        assertThat(SqliteLibraryCheck.isAffected("4.0.0.0")).isFalse();
    }

    @Test
    void anUnreadableVersionDoesNotWarn() {
        assertThat(SqliteLibraryCheck.isAffected(null)).isFalse();
        assertThat(SqliteLibraryCheck.isAffected("unknown")).isFalse();
    }

    @Test
    void thisBuildUsesTheVersionThePomPins() {
        assertThat(SQLiteJDBCLoader.getVersion()).isEqualTo("3.54.1.0");
        assertThat(SqliteLibraryCheck.isAffected(SQLiteJDBCLoader.getVersion())).isFalse();
    }
}
