package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.assertQemuSeesContent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "cluster_bits={0} refcount_order={1}")
    @CsvSource({"16, 4", "9, 0", "12, 1", "21, 4"})
    void compressedConversionIsReadByQemuAndSurvivesOverwrites(int clusterBits, int refcountOrder) throws Exception {
        // Each compressed cluster is one synced request: keep 512-byte clusters to a small image.
        int size = clusterBits == 9 ? 384 << 10 : 3 << 20;
        byte[] content = new byte[size];
        Random random = new Random(clusterBits);
        for (int at = 0; at < content.length; at += 4096) {
            int kind = random.nextInt(4);
            for (int i = at; i < at + 4096; i++) {
                content[i] = kind == 0 ? (byte) random.nextInt() : kind == 1 ? 0 : (byte) ("qcow2".charAt(i % 5) + kind);
            }
        }
        Path raw = dir.resolve("c.raw");
        Files.write(raw, content);
        Path qcow2 = dir.resolve("c.qcow2");
        Qcow2Convert.rawToQcow2(raw, qcow2, Qcow2CreateOptions.ofCapacity(0).withClusterBits(clusterBits)
                .withRefcountOrder(refcountOrder), true);
        assertThat(QemuTool.img("check", "--output=json", qcow2.toString()).ok().stdout())
                .contains("compressed-clusters");
        assertQemuSeesContent(qcow2, content, dir);
        try (Qcow2Image image = Qcow2Image.open(qcow2, true)) {
            assertThat(ReadWriteInteropTest.readAll(image)).isEqualTo(content);
            byte[] patch = new byte[5000];
            Arrays.fill(patch, (byte) 0x33);
            image.write(100_000, patch, 0, patch.length);
            System.arraycopy(patch, 0, content, 100_000, patch.length);
            image.discard(size / 3, size / 3);
            Arrays.fill(content, size / 3, 2 * size / 3, (byte) 0);
        }
        assertQemuSeesContent(qcow2, content, dir);
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
