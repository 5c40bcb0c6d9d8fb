package io.github.durablesqlite.example;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The JSON API: add, read, list and count notes. */
@RestController
@RequestMapping("/api/notes")
class NotesController {
    private static final int MAX_TEXT = 10_000;
    private static final int MAX_LIMIT = 1000;

    private final NoteRepository notes;

    NotesController(NoteRepository notes) {
        this.notes = notes;
    }

    record NewNote(String text) {}

    @PostMapping
    ResponseEntity<Note> add(@RequestBody NewNote body) {
        if (body == null || body.text() == null || body.text().isBlank()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is required");
        }
        if (body.text().length() > MAX_TEXT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "text is longer than " + MAX_TEXT + " characters");
        }
        Note note = notes.add(body.text().strip());
        return ResponseEntity.created(URI.create("/api/notes/" + note.id())).body(note);
    }

    @GetMapping("/{id}")
    Note get(@PathVariable long id) {
        return notes.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no note " + id));
    }

    @GetMapping
    List<Note> list(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit must be between 1 and " + MAX_LIMIT);
        }
        return notes.newest(limit);
    }

    @GetMapping("/count")
    Map<String, Long> count() {
        return Map.of("count", notes.count());
    }
}
