package dev.cairn.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) on the dashboard of one
 * service, with the few gestures the dashboard tests repeat: open a page, fill and confirm a dialog, wait
 * for what the user would see, save a screenshot under {@code target/screenshots}.
 *
 * <p>The driver and browser are given by path ({@code -Dcairn.chromedriver}, {@code -Dcairn.chromium}), so
 * Selenium Manager never looks for, or downloads, either.
 */
final class Browser implements AutoCloseable {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final String baseUri;
    private final WebDriver driver;
    private final WebDriverWait wait;

    private Browser(String baseUri, WebDriver driver) {
        this.baseUri = baseUri;
        this.driver = driver;
        // The dashboard redraws a page after each answer, so an element found a moment ago may be replaced.
        this.wait = new WebDriverWait(driver, PATIENCE);
        wait.ignoring(StaleElementReferenceException.class);
    }

    /** A fresh browser profile (under {@code target/}) pointed at {@code baseUri}. */
    static Browser start(String baseUri) {
        Path driverPath = Path.of(System.getProperty("cairn.chromedriver", "/usr/bin/chromedriver"));
        Path chromium = Path.of(System.getProperty("cairn.chromium", "/usr/bin/chromium"));
        if (!Files.isExecutable(driverPath) || !Files.isExecutable(chromium)) {
            throw new IllegalStateException("the browser tests need " + chromium + " and " + driverPath
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        try {
            Files.createDirectories(Path.of("target"));
            Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                    "--user-data-dir=" + profile.toAbsolutePath());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driverPath.toFile()).usingAnyFreePort()
                    .withLogFile(profile.resolve("chromedriver.log").toFile()).build();
            return new Browser(baseUri, new ChromeDriver(service, options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the dashboard afresh at a route, e.g. {@code #/pools/default} (an empty route is the pools page),
     * even when the browser shows that route already: a new hash alone would not reload the page.
     */
    void open(String route) {
        driver.get("about:blank");
        driver.get(baseUri + "/" + route);
    }

    void reload() {
        driver.navigate().refresh();
    }

    String currentRoute() {
        String url = driver.getCurrentUrl();
        int hash = url.indexOf('#');
        return hash < 0 ? "" : url.substring(hash);
    }

    /** The element once it is visible. */
    WebElement visible(By locator) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    List<WebElement> all(By locator) {
        return driver.findElements(locator);
    }

    /**
     * Clicks the element reached through {@code path} (each locator searched inside the previous match) once
     * it is shown and enabled, found again while the page redraws it or another element takes the click: the
     * jobs panel, opening beside the tables when a job starts, moves them under the pointer.
     */
    void click(By... path) {
        wait.until(page -> {
            SearchContext context = page;
            for (By step : path) {
                context = context.findElement(step);
            }
            WebElement element = (WebElement) context;
            if (!element.isDisplayed() || !element.isEnabled()) {
                return false;
            }
            try {
                element.click();
                return true;
            } catch (ElementClickInterceptedException e) {
                return false;
            }
        });
    }

    /** Waits for the condition: what the page shows once the service has answered. */
    <T> T until(ExpectedCondition<T> condition) {
        return wait.until(condition);
    }

    void gone(By locator) {
        wait.until(ExpectedConditions.numberOfElementsToBe(locator, 0));
    }

    /** The open modal dialog with this id. */
    WebElement dialog(String id) {
        return visible(By.cssSelector("dialog#" + id + "[open]"));
    }

    /** Types into a dialog's text field, replacing what it held. */
    void type(WebElement dialog, String field, String text) {
        WebElement input = dialog.findElement(By.name(field));
        input.clear();
        input.sendKeys(text);
    }

    /** Sets a dialog's size field, e.g. 64 and "MiB". */
    void size(WebElement dialog, String field, long amount, String unit) {
        type(dialog, field, Long.toString(amount));
        new Select(dialog.findElement(By.name(field + "-unit"))).selectByValue(unit);
    }

    void choose(WebElement dialog, String field, String value) {
        dialog.findElement(By.cssSelector("input[name='" + field + "'][value='" + value + "']")).click();
    }

    void check(WebElement dialog, String field) {
        WebElement box = dialog.findElement(By.name(field));
        if (!box.isSelected()) {
            box.click();
        }
    }

    /** Presses the dialog's confirming button and waits for the dialog to close. */
    void confirm(WebElement dialog) {
        dialog.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.stalenessOf(dialog));
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
            Files.move(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
