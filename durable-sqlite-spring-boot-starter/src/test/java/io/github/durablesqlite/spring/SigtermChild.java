package io.github.durablesqlite.spring;

import io.github.durablesqlite.spring.app.Note;
import io.github.durablesqlite.spring.app.NoteRepository;
import io.github.durablesqlite.spring.app.NotesApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** The application in a JVM of its own, for {@link GracefulShutdownTest} to stop with SIGTERM. */
public final class SigtermChild {

    static final String READY = "NOTES-WRITTEN";

    private SigtermChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        SpringApplication application = new SpringApplication(NotesApplication.class,
                GracefulShutdownTest.DrainingRequests.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        ConfigurableApplicationContext context = application.run(args);
        int count = context.getEnvironment().getRequiredProperty("notes", Integer.class);
        NoteRepository notes = context.getBean(NoteRepository.class);
        for (int i = 0; i < count; i++) {
            notes.save(new Note("note " + i));
        }
        System.out.println(READY);
        System.out.flush();
        Thread.currentThread().join();
    }
}
