package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.assertQemuSeesContent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertInteropTest {

    @TempDir
    Path dir;

    private static byte[] sparseContent(int size, long seed) {
        byte[] content = new byte[size];
        Random random = new Random(seed);
        for (int at = 0; at < size; at += 65536) {
            if (random.nextInt(3) == 0) {
                byte[] chunk = new byte[Math.min(65536, size - at) / 2];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, content, at + 1000, Math.min(chunk.length, size - at - 1000));
            }
        }
        return content;
    }

    @Test
    void rawToQcow2KeepsContentAndLeavesZeroRangesUnallocated() throws Exception {
        byte[] content = sparseContent(3_000_000 + 17, 1);
        Path raw = dir.resolve("in.raw");
        Files.write(raw, content);
        Path qcow2 = dir.resolve("out.qcow2");
        Qcow2Convert.rawToQcow2(raw, qcow2, Qcow2CreateOptions.ofCapacity(0).withClusterBits(12));
        byte[] padded = Arrays.copyOf(content, (content.length + 511) / 512 * 512);
        assertQemuSeesContent(qcow2, padded, dir);
        try (Qcow2Image image = Qcow2Image.open(qcow2, false)) {
            assertThat(image.check().allocatedClusters()).isLessThan(image.check().totalClusters());
        }
    }

    @Test
    void qcow2AndSnapshotExportToRawMatchQemuImgConvert() throws Exception {
        Path qcow2 = dir.resolve("img.qcow2");
        byte[] first = sparseContent(2 << 20, 2);
        try (Qcow2Image image = Qcow2Image.create(qcow2, Qcow2CreateOptions.ofCapacity(2 << 20))) {
            image.write(0, first, 0, first.length);
            image.createSnapshot("", "before");
            image.write(5000, new byte[] {1, 2, 3}, 0, 3);
            image.discard(1 << 20, 1 << 20);
        }
        Path ours = dir.resolve("ours.raw");
        Qcow2Convert.toRaw(qcow2, ours);
        assertThat(Files.readAllBytes(ours)).isEqualTo(QemuTool.toRaw(qcow2, dir.resolve("theirs.raw")));
        Qcow2Convert.snapshotToRaw(qcow2, "before", ours);
        assertThat(Files.readAllBytes(ours)).isEqualTo(first)
                .isEqualTo(QemuTool.toRaw(qcow2, dir.resolve("snap.raw"), "-l", "snapshot.name=before"));
    }
}
