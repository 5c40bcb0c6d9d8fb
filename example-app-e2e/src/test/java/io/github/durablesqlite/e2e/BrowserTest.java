package io.github.durablesqlite.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.durablesqlite.e2e.support.CaddyProcess;
import io.github.durablesqlite.e2e.support.E2eFiles;
import io.github.durablesqlite.e2e.support.ExampleAppProcess;
import io.github.durablesqlite.e2e.support.NotesClient;
import io.github.durablesqlite.e2e.support.Tools;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A person's view: the page behind Caddy, in headless Chromium, adding a note through the form. */
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Pattern SHOWS_TXID = Pattern.compile("(?i)TXID\\D{0,20}\\d+");
    /** No DevTools module is on the classpath and none is used; Selenium would warn at every start. */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
    }

    @Test
    void aNoteAddedThroughTheFormIsListedAndTheReplicationStatusShowsATxid() throws Exception {
        Tools.assumeInstalled(CHROMIUM);
        Tools.assumeInstalled(CHROMEDRIVER);
        CaddyProcess.assumeInstalled();
        Path dir = E2eFiles.newWorkDir("browser");
        String text = "Water the plants on " + dir.getFileName();
        // No REPLICA_URL: the app replicates to a directory beside the database.
        try (ExampleAppProcess app = ExampleAppProcess.in(dir, null, Map.of())) {
            app.start();
            assertThat(app.log()).as("the app says a local replica is no off-machine durability").contains("off-machine");
            try (CaddyProcess caddy = CaddyProcess.start(dir, app.port())) {
                NotesClient notes = new NotesClient(caddy.uri());
                long before = notes.count();
                WebDriver browser = newBrowser(dir);
                try {
                    browser.get(caddy.uri() + "/");
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("note-form")));
                    browser.findElement(By.id("note-text")).sendKeys(text);
                    browser.findElement(By.id("note-submit")).click();

                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#notes > li"), text));
                    wait.until(ExpectedConditions.textMatches(By.id("replication-status"), SHOWS_TXID));
                    assertThat(browser.findElements(By.cssSelector("#notes > li")))
                            .anySatisfy(item -> assertThat(item.getText()).contains(text));
                    assertThat(browser.findElement(By.id("note-text")).getAttribute("value")).isEmpty();

                    Path screenshot = E2eFiles.outputDir().resolve("browser-notes.png");
                    File taken = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
                    Files.copy(taken.toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    browser.quit();
                }
                assertThat(notes.count()).as("notes stored by the form").isEqualTo(before + 1);
                assertThat(notes.list(1)).extracting(NotesClient.Note::text).containsExactly(text);
            }
        }
    }

    private static WebDriver newBrowser(Path dir) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The machine has no network beyond loopback: everything Chromium would fetch by itself is off.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,900",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile-"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(dir.resolve("chromedriver.log").toFile())
                .build();
        return new ChromeDriver(service, options);
    }
}
