package dev.cairn.qcow2.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.qcow2.QemuTool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the service does to a volume a crash interrupted: leaked clusters given back, as qemu-img check -r leaks. */
class ReclaimLeakedSpaceTest {

    @TempDir
    Path dir;

    @Test
    void leakedClustersAreFreedAndTheContentKept() throws Exception {
        Path file = dir.resolve("volume");
        QemuTool.img("create", "-q", "-f", "qcow2", file.toString(), "16M").ok();
        QemuTool.io(file, "write -P 0x5a 0 128k").ok();
        QemuTool.leakOneCluster(file);
        assertThat(QemuTool.img("check", file.toString()).exitCode()).as("one leak").isEqualTo(3);

        new Qcow2Format().reclaimLeakedSpace(file);

        assertThat(QemuTool.img("check", file.toString()).ok().stdout()).contains("No errors were found");
        assertThat(QemuTool.io(file, "read -P 0x5a 0 128k").ok().stdout()).doesNotContain("Pattern verification");
    }

    @Test
    void aCleanImageIsLeftByteForByte() throws Exception {
        Path file = dir.resolve("clean");
        QemuTool.img("create", "-q", "-f", "qcow2", file.toString(), "16M").ok();
        QemuTool.io(file, "write -P 1 0 64k").ok();
        byte[] before = Files.readAllBytes(file);
        new Qcow2Format().reclaimLeakedSpace(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
