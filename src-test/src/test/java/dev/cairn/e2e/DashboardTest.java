package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real headless Chromium against the shared service: every action through the page's
 * own buttons and dialogs, every check on what the page shows. Screenshots of each step land in
 * {@code target/screenshots}.
 */
class DashboardTest {
    private static final By PROBLEM_CODE = By.cssSelector("#messages .message.problem .problem-code");
    private static Browser browser;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.start(SharedService.get().baseUri());
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void snapshotTreeIsDrawnWithItsBranchAndFollowsRevertAndDeletes() {
        createVolume("default", "dash-vm", 64);
        assertThat(browser.visible(row("dash-vm")).findElement(By.cssSelector("td:nth-child(2)")).getText())
                .isEqualTo("qcow2");
        assertThat(browser.visible(row("dash-vm")).getText()).contains("64 MiB");
        browser.screenshot("dashboard-01-volume-created");

        browser.click(By.linkText("dash-vm"));
        browser.until(ExpectedConditions.urlContains("#/pools/default/volumes/dash-vm"));
        assertThat(browser.visible(By.cssSelector("#snapshot-panel")).getText()).contains("Choose a snapshot");

        takeSnapshot("A", "clean install");
        takeSnapshot("B", "experiment");
        browser.click(node("A"));
        assertThat(browser.visible(By.id("snapshot-panel")).getText()).contains("A", "clean install", "B");
        browser.click(By.id("revert-snapshot"));
        browser.confirm(browser.dialog("confirm-dialog"));
        browser.until(ExpectedConditions.attributeToBe(node("A"), "data-current", "true"));
        takeSnapshot("C", null);

        assertThat(browser.all(By.cssSelector("#snapshot-tree .snap-node"))).hasSize(3);
        Rectangle a = dot("A");
        Rectangle b = dot("B");
        Rectangle c = dot("C");
        assertThat(a.getY()).isLessThan(b.getY());
        assertThat(b.getY()).isEqualTo(c.getY());
        assertThat(b.getX()).isLessThan(a.getX());
        assertThat(a.getX()).isLessThan(c.getX());
        assertThat(edgesFrom("A")).containsExactlyInAnyOrder("B", "C");
        assertCurrent("C", "A", "B");
        assertThat(browser.visible(By.id("snapshot-panel")).getText()).contains("C", "current", "Parent", "A");
        browser.screenshot("dashboard-02-tree-with-branch");
        assertThat(browser.visible(By.id("download-delta")).getAttribute("href"))
                .endsWith("/api/v1/pools/default/volumes/dash-vm/snapshots/C/delta?from=A");

        browser.click(node("B"));
        deleteSnapshot("rebase");
        browser.gone(node("B"));
        assertThat(edgesFrom("A")).containsExactly("C");
        assertCurrent("C", "A");
        browser.screenshot("dashboard-03-after-deleting-B");

        browser.click(node("A"));
        deleteSnapshot("rebase");
        browser.gone(node("A"));
        assertThat(browser.visible(node("C")).getAttribute("data-depth")).isEqualTo("0");
        assertCurrent("C");
        browser.screenshot("dashboard-04-after-deleting-A-with-rebase");

        browser.click(By.linkText("default"));
        assertThat(browser.visible(row("dash-vm")).findElement(By.cssSelector(".snapshot-count")).getText())
                .isEqualTo("1");
        deleteVolume("dash-vm", false);
        assertThat(browser.visible(PROBLEM_CODE).getText()).isEqualTo("HAS_SNAPSHOTS");
        deleteVolume("dash-vm", true);
        browser.gone(row("dash-vm"));
    }

    @Test
    void refusalsAppearAsTheProblemsTitleCodeAndDetail() {
        createVolume("default", "dash-twice", 16);
        browser.visible(row("dash-twice"));
        createVolume("default", "dash-twice", 16);
        WebElement problem = browser.visible(By.cssSelector("#messages .message.problem"));
        assertThat(problem.findElement(By.className("problem-code")).getText()).isEqualTo("NAME_TAKEN");
        assertThat(problem.findElement(By.className("problem-title")).getText()).isNotBlank().doesNotContain("{");
        assertThat(problem.findElement(By.className("problem-detail")).getText()).contains("dash-twice");
        assertThat(problem.getText()).doesNotContain("\"code\"", "\"status\"");
        browser.screenshot("dashboard-05-problem-message");
        deleteVolume("dash-twice", false);
        browser.gone(row("dash-twice"));
    }

    @Test
    void resizeFromTheRowGrowsTheVolume() {
        createVolume("default", "dash-grow", 16);
        browser.click(row("dash-grow"), By.xpath(".//button[text()='Resize']"));
        WebElement dialog = browser.dialog("resize-dialog");
        browser.size(dialog, "capacity", 1, "GiB");
        browser.confirm(dialog);
        browser.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#volumes tr[data-volume='dash-grow'] td:nth-child(3)"), "1 GiB"));
        deleteVolume("dash-grow", false);
        browser.gone(row("dash-grow"));
    }

    @Test
    void poolsShowTheirUsageAndAreCreatedAndPurgedFromThePage(@TempDir Path dir) {
        browser.open("#/");
        browser.click(By.id("create-pool"));
        WebElement dialog = browser.dialog("pool-dialog");
        browser.type(dialog, "name", "dash-chunks");
        new Select(dialog.findElement(By.name("type"))).selectByValue("chunk");
        browser.type(dialog, "path", dir.resolve("chunks").toString());
        browser.size(dialog, "capacity", 256, "MiB");
        browser.confirm(dialog);
        WebElement pool = browser.visible(poolRow("dash-chunks"));
        assertThat(pool.getText()).contains("chunk", "running", "256 MiB");
        assertThat(pool.findElement(By.cssSelector(".bar")).getAttribute("aria-valuemax"))
                .isEqualTo(Long.toString(256L << 20));
        browser.visible(poolRow("default"));
        browser.screenshot("dashboard-06-pools");

        browser.click(By.linkText("dash-chunks"));
        createVolumeHere("vm", 8);
        browser.visible(row("vm"));
        browser.click(By.linkText("Pools"));
        assertThat(browser.visible(poolRow("dash-chunks")).findElement(By.cssSelector("td:nth-child(4)")).getText())
                .isEqualTo("1");
        deletePool("dash-chunks", false);
        assertThat(browser.visible(PROBLEM_CODE).getText()).isEqualTo("HAS_VOLUMES");
        deletePool("dash-chunks", true);
        browser.gone(poolRow("dash-chunks"));
        assertThat(dir.resolve("chunks")).doesNotExist();
    }

    @Test
    void cloneFromTheTreeFollowsItsJobAndLinksTheNewVolume() {
        createVolume("default", "dash-source", 32);
        browser.click(By.linkText("dash-source"));
        takeSnapshot("dash-golden", "to clone");
        browser.click(node("dash-golden"));
        browser.click(By.id("clone-snapshot"));
        WebElement dialog = browser.dialog("clone-dialog");
        browser.type(dialog, "name", "dash-copy");
        browser.confirm(dialog);
        // A fast clone answers 201 and links the volume at once; a copying one is followed as a job.
        By link = By.cssSelector(
                "#clone-link, #jobs .job[data-state='succeeded'] a.job-target[href$='/volumes/dash-copy']");
        browser.visible(link);
        browser.screenshot("dashboard-07-clone-done");
        browser.click(link);
        browser.until(ExpectedConditions.urlContains("#/pools/default/volumes/dash-copy"));
        assertThat(browser.visible(By.cssSelector(".page-head h1")).getText()).isEqualTo("dash-copy");

        browser.open("#/pools/default");
        deleteVolume("dash-copy", false);
        browser.gone(row("dash-copy"));
        deleteVolume("dash-source", true);
        browser.gone(row("dash-source"));
    }

    private static void createVolume(String pool, String name, long mebibytes) {
        browser.open("#/pools/" + pool);
        createVolumeHere(name, mebibytes);
    }

    private static void createVolumeHere(String name, long mebibytes) {
        browser.click(By.id("create-volume"));
        WebElement dialog = browser.dialog("volume-dialog");
        browser.type(dialog, "name", name);
        browser.size(dialog, "capacity", mebibytes, "MiB");
        browser.confirm(dialog);
    }

    private static void takeSnapshot(String name, String description) {
        int before = browser.all(By.cssSelector("#snapshot-tree .snap-node")).size();
        browser.click(By.id("create-snapshot"));
        WebElement dialog = browser.dialog("snapshot-dialog");
        browser.type(dialog, "name", name);
        if (description != null) {
            browser.type(dialog, "description", description);
        }
        browser.confirm(dialog);
        browser.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#snapshot-tree .snap-node"), before + 1));
        browser.until(ExpectedConditions.attributeToBe(node(name), "data-current", "true"));
    }

    private static void deleteSnapshot(String children) {
        browser.click(By.id("delete-snapshot"));
        WebElement dialog = browser.dialog("delete-snapshot-dialog");
        browser.choose(dialog, "children", children);
        browser.confirm(dialog);
    }

    private static void deleteVolume(String name, boolean withSnapshots) {
        deleteFromRow(row(name), "delete-volume-dialog", withSnapshots ? "snapshots" : null);
    }

    private static void deletePool(String name, boolean purge) {
        deleteFromRow(poolRow(name), "delete-pool-dialog", purge ? "purge" : null);
    }

    /** Presses a table row's Delete button and confirms, ticking the dialog's checkbox {@code option} if given. */
    private static void deleteFromRow(By row, String dialogId, String option) {
        browser.click(row, By.xpath(".//button[text()='Delete']"));
        WebElement dialog = browser.dialog(dialogId);
        if (option != null) {
            browser.check(dialog, option);
        }
        browser.confirm(dialog);
    }

    /** Only `current` is drawn as current: its own colour and its label; the others have neither. */
    private static void assertCurrent(String current, String... others) {
        WebElement node = browser.visible(node(current));
        assertThat(node.getAttribute("class")).contains("current");
        assertThat(node.findElement(By.className("current-label")).getText()).isEqualToIgnoringCase("current");
        String currentFill = node.findElement(By.className("dot")).getCssValue("fill");
        for (String other : others) {
            WebElement plain = browser.visible(node(other));
            assertThat(plain.getAttribute("data-current")).isEqualTo("false");
            assertThat(plain.findElements(By.className("current-label"))).isEmpty();
            assertThat(plain.findElement(By.className("dot")).getCssValue("fill")).isNotEqualTo(currentFill);
        }
    }

    private static List<String> edgesFrom(String parent) {
        return browser.all(By.cssSelector("#snapshot-tree .snap-edge[data-from='" + parent + "']")).stream()
                .map(edge -> edge.getAttribute("data-to")).toList();
    }

    private static Rectangle dot(String name) {
        return browser.visible(node(name)).findElement(By.className("dot")).getRect();
    }

    private static By node(String name) {
        return By.cssSelector("#snapshot-tree .snap-node[data-name='" + name + "']");
    }

    private static By row(String volume) {
        return By.cssSelector("#volumes tr[data-volume='" + volume + "']");
    }

    private static By poolRow(String pool) {
        return By.cssSelector("#pools tr[data-pool='" + pool + "']");
    }
}
