package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreateInteropTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "cluster_bits={0} size={1} refcount_order={2} compat={3}")
    @CsvSource({
        "16, 1073741824, 4, 1.1", "16, 0, 4, 1.1", "16, 1099511627776, 4, 1.1", "9, 16777216, 4, 1.1",
        "12, 1073741824, 4, 1.1", "21, 107374182400, 4, 1.1", "16, 1, 4, 1.1", "16, 1073741824, 0, 1.1",
        "16, 1073741824, 6, 1.1", "16, 1073741824, 4, 0.10", "12, 1073741824, 1, 1.1"})
    void createdImageIsByteIdenticalToQemuImgCreate(int clusterBits, long size, int refcountOrder, String compat)
            throws Exception {
        Path ours = dir.resolve("ours.qcow2");
        Path theirs = dir.resolve("theirs.qcow2");
        Qcow2CreateOptions options = Qcow2CreateOptions.ofCapacity(size).withClusterBits(clusterBits)
                .withRefcountOrder(refcountOrder).withCompat(compat);
        try (Qcow2Image image = Qcow2Image.create(ours, options)) {
            assertThat(image.capacityBytes()).isEqualTo((size + 511) / 512 * 512);
        }
        QemuTool.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + (1 << clusterBits) + ",refcount_bits="
                + (1 << refcountOrder) + ",compat=" + compat, theirs.toString(), Long.toString(size)).ok();
        QemuTool.checkClean(ours);
        assertThat(Arrays.mismatch(Files.readAllBytes(ours), Files.readAllBytes(theirs)))
                .as("first differing byte").isEqualTo(-1);
    }

    @Test
    void createWhoseL1OutgrowsTheFirstRefcountBlockIsCheckClean() throws Exception {
        // 512-byte clusters with 64-bit refcounts: one block covers 64 clusters, the L1 needs 512.
        Path ours = dir.resolve("big-l1.qcow2");
        try (Qcow2Image image = Qcow2Image.create(ours, Qcow2CreateOptions.ofCapacity(1L << 30).withClusterBits(9)
                .withRefcountOrder(6))) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 7);
            image.write((1L << 30) - 4096, data, 0, data.length);
        }
        QemuTool.checkClean(ours);
        assertThat(QemuTool.img("info", ours.toString()).ok().stdout()).contains("virtual size: 1 GiB");
    }
}
