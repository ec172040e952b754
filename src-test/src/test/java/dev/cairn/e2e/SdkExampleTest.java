package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's SDK example, run as the program it is (its own JVM) against the shared service. */
class SdkExampleTest {
    @Test
    void theReadmeExampleRunsAndPrintsTheTree(@TempDir Path dir) throws Exception {
        Process example = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SdkExample.class.getName(),
                SharedService.get().baseUri(), dir.resolve("example").toString())
                .redirectErrorStream(true).start();
        String output = new String(example.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(example.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(example.exitValue()).as(output).isZero();
        assertThat(output).isEqualToNormalizingNewlines("""
                after revert: first boot
                installed
                  experiment
                  second-try (current)
                current: second-try
                lookup failed: NO_SNAPSHOT
                """);
        assertThat(dir.resolve("example")).doesNotExist();
    }
}
