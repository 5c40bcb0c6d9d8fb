package io.github.durablesqlite.example;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The notes table, through plain SQL. */
@Repository
class NoteRepository {
    private final JdbcClient jdbc;

    NoteRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a note; returns once the row is committed (auto-commit). */
    Note add(String text) {
        String createdAt = Instant.now().toString();
        GeneratedKeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO notes(text, created_at) VALUES (?, ?)").params(text, createdAt).update(key);
        return new Note(key.getKey().longValue(), text, createdAt);
    }

    Optional<Note> find(long id) {
        return jdbc.sql("SELECT id, text, created_at FROM notes WHERE id = ?").param(id)
                .query((rs, n) -> new Note(rs.getLong(1), rs.getString(2), rs.getString(3))).optional();
    }

    List<Note> newest(int limit) {
        return jdbc.sql("SELECT id, text, created_at FROM notes ORDER BY id DESC LIMIT ?").param(limit)
                .query((rs, n) -> new Note(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM notes").query(Long.class).single();
    }
}
