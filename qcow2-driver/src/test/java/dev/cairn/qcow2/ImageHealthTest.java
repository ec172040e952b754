package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.qcow2.format.Features;
import dev.cairn.qcow2.format.L2Entry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageHealthTest {

    @TempDir
    Path dir;

    private static long readLong(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(offset);
            return raf.readLong();
        }
    }

    private static void writeLong(Path file, long offset, long value) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.writeLong(value);
        }
    }

    private static void writeShort(Path file, long offset, int value) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            raf.writeShort(value);
        }
    }

    /** A 64K-cluster image with data in guest clusters 0..3; returns the host offset of guest cluster 0. */
    private Path imageWithData(String name) throws Exception {
        Path file = dir.resolve(name);
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            byte[] data = new byte[4 * 65536];
            Arrays.fill(data, (byte) 0x6b);
            image.write(0, data, 0, data.length);
        }
        return file;
    }

    @Test
    void dirtyLazyRefcountImageLeftByACrashIsRepairedOnWritableOpen() throws Exception {
        Path file = dir.resolve("lazy.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", "-o", "lazy_refcounts=on", file.toString(), "4M").ok();
        QemuTool.io(file, "write -P 0x77 0 1M", "abort");
        assertThat(QemuTool.img("check", file.toString()).exitCode()).isEqualTo(2);
        try (Qcow2Image readOnly = Qcow2Image.open(file, false)) {
            assertThat(readOnly.header().incompatibleFeatures() & Features.INCOMPAT_DIRTY).isNotZero();
            assertThat(readOnly.check().corruptions()).isPositive();
        }
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            assertThat(image.header().incompatibleFeatures() & Features.INCOMPAT_DIRTY).isZero();
            assertThat(image.check().isClean()).as(image.check().messages().toString()).isTrue();
            byte[] first = new byte[1 << 20];
            image.read(0, first, 0, first.length);
            assertThat(first).containsOnly((byte) 0x77);
            image.write(2 << 20, new byte[] {1}, 0, 1);
        }
        QemuTool.checkClean(file);
        assertThat(QemuTool.img("info", file.toString()).ok().stdout()).contains("lazy refcounts: true");
    }

    @Test
    void corruptImageIsRefusedForWritingUntilRepaired() throws Exception {
        Path file = imageWithData("corrupt.qcow2");
        writeLong(file, 72, Features.INCOMPAT_CORRUPT);
        assertThatThrownBy(() -> Qcow2Image.open(file, true)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("marked corrupt");
        try (Qcow2Image readOnly = Qcow2Image.open(file, false)) {
            assertThat(readAll(readOnly)[0]).isEqualTo((byte) 0x6b);
        }
        try (Qcow2Image image = Qcow2Image.openForRepair(file)) {
            image.repair(RepairMode.ALL);
        }
        assertThat(readLong(file, 72)).isZero();
        QemuTool.checkClean(file);
    }

    @Test
    void leakedClusterIsCountedLikeQemuAndRepaired() throws Exception {
        Path file = imageWithData("leak.qcow2");
        long l2Offset = readLong(file, readLong(file, 40)) & L2Entry.L1_OFFSET_MASK;
        long freedCluster = (readLong(file, l2Offset + 8) & L2Entry.OFFSET_MASK) >> 16;
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            image.discard(65536, 65536);
        }
        // Refcount block at cluster 2, 16-bit entries: mark the freed host cluster as used again.
        writeShort(file, 2 * 65536 + 2 * freedCluster, 1);
        assertThat(QemuTool.img("check", file.toString()).exitCode()).isEqualTo(3);
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            CheckResult found = image.check();
            assertThat(found.leaks()).isEqualTo(1);
            assertThat(found.corruptions()).isZero();
            assertThat(found.exitStatus()).isEqualTo(3);
            CheckResult repaired = image.repair(RepairMode.LEAKS);
            assertThat(repaired.leaksFixed()).isEqualTo(1);
            assertThat(repaired.isClean()).isTrue();
        }
        QemuTool.checkClean(file);
    }

    @Test
    void missingRefcountAndWrongCopiedFlagAreCorruptionsThatFullRepairFixes() throws Exception {
        Path file = imageWithData("broken.qcow2");
        long l1Offset = readLong(file, 40);
        long l2Offset = readLong(file, l1Offset) & L2Entry.L1_OFFSET_MASK;
        long dataEntry = readLong(file, l2Offset + 8);
        long dataCluster = (dataEntry & L2Entry.OFFSET_MASK) >> 16;
        writeShort(file, 2 * 65536 + 2 * dataCluster, 0);
        long otherEntry = readLong(file, l2Offset + 16);
        writeLong(file, l2Offset + 16, otherEntry & ~L2Entry.COPIED);
        QemuTool.Result qemu = QemuTool.img("check", "--output=json", file.toString());
        assertThat(qemu.exitCode()).isEqualTo(2);
        try (Qcow2Image image = Qcow2Image.openForRepair(file)) {
            CheckResult found = image.check();
            assertThat(qemu.stdout()).contains("\"corruptions\": " + found.corruptions());
            assertThat(found.messages()).anyMatch(m -> m.contains("OFLAG_COPIED"));
            CheckResult repaired = image.repair(RepairMode.ALL);
            assertThat(repaired.isClean()).as(repaired.messages().toString()).isTrue();
            assertThat(readAll(image)[65536 * 3]).isEqualTo((byte) 0x6b);
        }
        QemuTool.checkClean(file);
    }

    @Test
    void checkReportsQemuStyleCountsForACleanImage() throws Exception {
        Path file = imageWithData("clean.qcow2");
        try (Qcow2Image image = Qcow2Image.open(file, false)) {
            CheckResult result = image.check();
            assertThat(result.isClean()).isTrue();
            assertThat(result.allocatedClusters()).isEqualTo(4);
            assertThat(result.totalClusters()).isEqualTo(16);
            String json = QemuTool.img("check", "--output=json", file.toString()).ok().stdout();
            assertThat(json).contains("\"image-end-offset\": " + result.imageEndOffset())
                    .contains("\"allocated-clusters\": 4");
        }
    }

    @Test
    void unknownAutoclearBitsAreClearedOnWritableOpenOnly() throws Exception {
        Path file = imageWithData("autoclear.qcow2");
        writeLong(file, 88, (1L << 7) | Features.AUTOCLEAR_BITMAPS);
        Qcow2Image.open(file, false).close();
        assertThat(readLong(file, 88)).isEqualTo((1L << 7) | 1);
        Qcow2Image.open(file, true).close();
        assertThat(readLong(file, 88)).isZero();
        QemuTool.checkClean(file);
    }

    @Test
    void truncatedFileIsRefused() throws Exception {
        Path file = imageWithData("trunc.qcow2");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(50);
        }
        assertThatThrownBy(() -> Qcow2Image.open(file, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("too short");
    }

    @Test
    void tablesBeyondTheEndOfTheFileOrOverlappingAreRefused() throws Exception {
        Path l1Beyond = imageWithData("l1.qcow2");
        writeLong(l1Beyond, 40, 1L << 40);
        assertThatThrownBy(() -> Qcow2Image.open(l1Beyond, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("L1 table");
        Path refcountBeyond = imageWithData("rt.qcow2");
        writeLong(refcountBeyond, 48, 1L << 40);
        assertThatThrownBy(() -> Qcow2Image.open(refcountBeyond, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("refcount table");
        Path overlap = imageWithData("overlap.qcow2");
        writeLong(overlap, 40, 65536);
        assertThatThrownBy(() -> Qcow2Image.open(overlap, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("overlap");
        Path header = imageWithData("header.qcow2");
        writeLong(header, 40, 0);
        assertThatThrownBy(() -> Qcow2Image.open(header, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("l1_table_offset");
    }

    @Test
    void absurdCountsAreRefusedQuicklyWithoutHugeAllocations() throws Exception {
        Path l1Size = imageWithData("l1size.qcow2");
        try (RandomAccessFile raf = new RandomAccessFile(l1Size.toFile(), "rw")) {
            raf.seek(36);
            raf.writeInt(4 * 1024 * 1024);
        }
        assertThatThrownBy(() -> Qcow2Image.open(l1Size, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("beyond the end of the file");
        Path snapshots = imageWithData("snaps.qcow2");
        try (RandomAccessFile raf = new RandomAccessFile(snapshots.toFile(), "rw")) {
            raf.seek(60);
            raf.writeInt(65536);
            raf.writeLong(65536);
        }
        assertThatThrownBy(() -> Qcow2Image.open(snapshots, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("snapshot");
    }

    @Test
    void l2PointerBeyondTheEndOfTheFileIsReportedAsCorruptOnRead() throws Exception {
        Path file = imageWithData("l2.qcow2");
        long l1Offset = readLong(file, 40);
        writeLong(file, l1Offset, (1L << 40) | L2Entry.COPIED);
        try (Qcow2Image image = Qcow2Image.open(file, false)) {
            assertThatThrownBy(() -> image.read(0, new byte[1], 0, 1)).isInstanceOf(Qcow2CorruptException.class)
                    .hasMessageContaining("beyond the end of the file");
            assertThat(image.check().corruptions()).isPositive();
        }
        assertThat(Files.size(file)).isPositive();
    }
}
