package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.assertQemuSeesContent;
import static dev.cairn.qcow2.ReadWriteInteropTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackingChainInteropTest {

    @TempDir
    Path dir;

    private static byte[] pattern(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void overlayMadeByQemuReadsThroughAndCopiesOnWriteFromTheBacking() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Path overlay = dir.resolve("overlay.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", base.toString(), "4M").ok();
        QemuTool.io(base, "write -P 0x41 0 3M").ok();
        QemuTool.img("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", overlay.toString(), "6M").ok();
        QemuTool.io(overlay, "write -P 0x42 1M 100k", "write -z 2M 64k").ok();
        byte[] expected = QemuTool.toRaw(overlay, dir.resolve("o.raw"));
        try (Qcow2Image image = Qcow2Image.open(overlay, true)) {
            assertThat(image.backingPath()).contains(base.toAbsolutePath());
            assertThat(readAll(image)).isEqualTo(expected);
            image.write(70_000, new byte[] {1, 2, 3}, 0, 3);
            expected[70_000] = 1;
            expected[70_001] = 2;
            expected[70_002] = 3;
            assertThat(readAll(image)).isEqualTo(expected);
            image.createSnapshot("", "in-overlay");
            image.discard(0, 1 << 20);
        }
        assertThat(QemuTool.toRaw(overlay, dir.resolve("s.raw"), "-l", "snapshot.name=in-overlay"))
                .isEqualTo(expected);
        Arrays.fill(expected, 0, 1 << 20, (byte) 0);
        assertQemuSeesContent(overlay, expected, dir);
    }

    @Test
    void overlayCairnCreatesStoresTheRelativeNameAndQemuResolvesIt() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("vm"));
        byte[] baseContent = pattern(1 << 20, 3);
        Path raw = sub.resolve("base.raw");
        Files.write(raw, baseContent);
        Path overlay = sub.resolve("top.qcow2");
        byte[] expected = Arrays.copyOf(baseContent, 2 << 20);
        try (Qcow2Image image = Qcow2Chain.createOverlay(overlay, "base.raw", "raw",
                Qcow2CreateOptions.ofCapacity(2 << 20).withClusterBits(12))) {
            image.write(4000, new byte[200], 0, 200);
            Arrays.fill(expected, 4000, 4200, (byte) 0);
            image.discard(8192, 8192);
            Arrays.fill(expected, 8192, 16384, (byte) 0);
            assertThat(readAll(image)).isEqualTo(expected);
        }
        String info = QemuTool.img("info", "--output=json", overlay.toString()).ok().stdout();
        assertThat(info).contains("\"backing-filename\": \"base.raw\"").contains("\"backing-filename-format\": \"raw\"")
                .contains("\"full-backing-filename\": \"" + raw.toAbsolutePath() + "\"");
        assertQemuSeesContent(overlay, expected, dir);
    }

    @Test
    void overlayTakesTheBackingSizeWhenNoneIsGiven() throws Exception {
        Path base = dir.resolve("b.qcow2");
        Qcow2Image.create(base, Qcow2CreateOptions.ofCapacity(3 << 20)).close();
        try (Qcow2Image overlay = Qcow2Chain.createOverlay(dir.resolve("o.qcow2"), "b.qcow2", "qcow2",
                Qcow2CreateOptions.ofCapacity(0))) {
            assertThat(overlay.capacityBytes()).isEqualTo(3 << 20);
        }
    }

    @Test
    void commitMovesOverlayDataIntoTheBackingAndEmptiesTheOverlay() throws Exception {
        Path base = dir.resolve("base.qcow2");
        Path overlay = dir.resolve("top.qcow2");
        byte[] expected = pattern(2 << 20, 5);
        try (Qcow2Image image = Qcow2Image.create(base, Qcow2CreateOptions.ofCapacity(2 << 20))) {
            image.write(0, expected, 0, expected.length);
        }
        try (Qcow2Image image = Qcow2Chain.createOverlay(overlay, "base.qcow2", "qcow2",
                Qcow2CreateOptions.ofCapacity(3 << 20))) {
            byte[] patch = pattern(100_000, 6);
            image.write(500_000, patch, 0, patch.length);
            image.discard(1 << 20, 65536);
            expected = Arrays.copyOf(expected, 3 << 20);
            System.arraycopy(patch, 0, expected, 500_000, patch.length);
            Arrays.fill(expected, 1 << 20, (1 << 20) + 65536, (byte) 0);
        }
        Qcow2Chain.commit(overlay);
        assertQemuSeesContent(base, expected, dir);
        assertQemuSeesContent(overlay, expected, dir);
        try (Qcow2Image image = Qcow2Image.open(overlay, false)) {
            assertThat(image.check().allocatedClusters()).isZero();
        }
    }

    @Test
    void safeRebaseKeepsContentAndUnsafeRebaseOnlyRewritesTheHeader() throws Exception {
        Path oldBase = dir.resolve("old.qcow2");
        Path newBase = dir.resolve("new.qcow2");
        Path top = dir.resolve("top.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", oldBase.toString(), "2M").ok();
        QemuTool.io(oldBase, "write -P 0x01 0 1M").ok();
        QemuTool.img("create", "-q", "-f", "qcow2", newBase.toString(), "2M").ok();
        QemuTool.io(newBase, "write -P 0x01 0 512k", "write -P 0x02 512k 1M").ok();
        QemuTool.img("create", "-q", "-f", "qcow2", "-b", "old.qcow2", "-F", "qcow2", top.toString()).ok();
        QemuTool.io(top, "write -P 0x03 100k 10k").ok();
        byte[] before = QemuTool.toRaw(top, dir.resolve("before.raw"));

        Qcow2Chain.rebase(top, "new.qcow2", "qcow2", false);
        assertQemuSeesContent(top, before, dir);
        assertThat(QemuTool.img("info", top.toString()).ok().stdout()).contains("backing file: new.qcow2");

        Qcow2Chain.rebase(top, "old.qcow2", "qcow2", true);
        assertThat(QemuTool.img("info", top.toString()).ok().stdout()).contains("backing file: old.qcow2");
        QemuTool.checkClean(top);

        Qcow2Chain.rebase(top, "", "", false);
        assertThat(QemuTool.img("info", top.toString()).ok().stdout()).doesNotContain("backing file");
        byte[] flattened = QemuTool.toRaw(top, dir.resolve("flat.raw"));
        try (Qcow2Image image = Qcow2Image.open(top, false)) {
            assertThat(readAll(image)).isEqualTo(flattened);
        }
        QemuTool.checkClean(top);
    }

    @Test
    void backingChainLoopIsRefused() throws Exception {
        Path a = dir.resolve("a.qcow2");
        Path b = dir.resolve("b.qcow2");
        Qcow2Image.create(a, Qcow2CreateOptions.ofCapacity(1 << 20)).close();
        Qcow2Chain.createOverlay(b, "a.qcow2", "qcow2", Qcow2CreateOptions.ofCapacity(1 << 20)).close();
        Qcow2Chain.rebase(a, "b.qcow2", "qcow2", true);
        assertThatThrownBy(() -> Qcow2Image.open(b, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("loop");
    }

    @Test
    void backingChainDeeperThanTheLimitIsRefused() throws Exception {
        int layers = Qcow2Image.MAX_CHAIN_DEPTH + 2;
        for (int i = 0; i < layers; i++) {
            Qcow2Image.create(dir.resolve("l" + i + ".qcow2"), Qcow2CreateOptions.ofCapacity(65536)).close();
            if (i > 0) {
                Qcow2Chain.rebase(dir.resolve("l" + i + ".qcow2"), "l" + (i - 1) + ".qcow2", "qcow2", true);
            }
        }
        assertThatThrownBy(() -> Qcow2Image.open(dir.resolve("l" + (layers - 1) + ".qcow2"), false))
                .isInstanceOf(Qcow2UnsupportedException.class).hasMessageContaining("deeper than 64");
        try (Qcow2Image image = Qcow2Image.open(dir.resolve("l" + (layers - 3) + ".qcow2"), false)) {
            assertThat(image.capacityBytes()).isEqualTo(65536);
        }
    }
}
