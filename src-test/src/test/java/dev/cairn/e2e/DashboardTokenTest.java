package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.web.testing.CairnProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The dashboard of a service with a token: the page itself loads openly, then asks for the token once. */
class DashboardTokenTest {
    private static final By PROMPT = By.cssSelector("dialog#token-dialog[open]");

    @Test
    void asksForTheTokenOnceThenEveryPageWorks(@TempDir Path dir) {
        try (CairnProcess service = CairnProcess.start(dir.resolve("data"), "--cairn.security.token=dash-s3cret");
             Browser browser = Browser.start(service.baseUri())) {
            browser.open("");
            WebElement prompt = browser.dialog("token-dialog");
            assertThat(prompt.getText()).contains("Token required").doesNotContain("refused");
            browser.screenshot("dashboard-token-01-prompt");
            browser.type(prompt, "token", "not-the-token");
            browser.confirm(prompt);

            prompt = browser.dialog("token-dialog");
            assertThat(prompt.getText()).contains("The service refused this token.");
            browser.type(prompt, "token", "dash-s3cret");
            browser.confirm(prompt);
            browser.visible(By.cssSelector("#pools tr[data-pool='default']"));
            browser.screenshot("dashboard-token-02-pools");

            browser.click(By.linkText("default"));
            browser.visible(By.id("create-volume"));
            browser.reload();
            browser.visible(By.id("create-volume"));
            browser.click(By.linkText("Pools"));
            browser.visible(By.cssSelector("#pools tr[data-pool='default']"));
            assertThat(browser.all(PROMPT)).isEmpty();
            assertThat(browser.all(By.cssSelector("#messages .message.problem"))).isEmpty();

            browser.click(By.id("forget-token"));
            browser.dialog("token-dialog");
        }
    }
}
