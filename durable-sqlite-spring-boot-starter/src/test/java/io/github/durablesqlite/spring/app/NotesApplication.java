package io.github.durablesqlite.spring.app;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** A small application as users write them: Flyway owns the schema, Spring Data JPA the rows. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class NotesApplication {
}
