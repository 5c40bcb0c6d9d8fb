package io.github.durablesqlite.spring.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "notes")
public class Note {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(nullable = false)
    private String text;

    // TEXT in the schema: SQLite has no timestamp type, and ISO-8601 sorts and reads well.
    @Column(name = "created_at", nullable = false)
    private String createdAt;

    protected Note() {
    }

    public Note(String text) {
        this.text = text;
        this.createdAt = Instant.now().toString();
    }

    public Long getId() {
        return id;
    }

    public String getText() {
        return text;
    }

    public String getCreatedAt() {
        return createdAt;
    }
}
