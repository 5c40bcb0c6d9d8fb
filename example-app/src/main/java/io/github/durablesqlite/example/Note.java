package io.github.durablesqlite.example;

/** One note as the API shows it. */
public record Note(long id, String text, String createdAt) {}
