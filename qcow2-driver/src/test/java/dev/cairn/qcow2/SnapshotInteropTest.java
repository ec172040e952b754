package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.assertQemuSeesContent;
import static dev.cairn.qcow2.ReadWriteInteropTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotInteropTest {

    @TempDir
    Path dir;

    private static void scribble(Qcow2Image image, byte[] model, Random random, int writes) throws Exception {
        for (int i = 0; i < writes; i++) {
            int offset = random.nextInt(model.length - 1);
            int len = 1 + random.nextInt(Math.min(model.length - offset, 150_000));
            if (random.nextInt(5) == 0) {
                image.discard(offset, len);
                Arrays.fill(model, offset, offset + len, (byte) 0);
            } else {
                byte[] data = new byte[len];
                random.nextBytes(data);
                image.write(offset, data, 0, len);
                System.arraycopy(data, 0, model, offset, len);
            }
        }
    }

    @ParameterizedTest(name = "cluster_bits={0}")
    @ValueSource(ints = {9, 16, 21})
    void cairnSnapshotsAreListedExportedAndCheckedCleanByQemu(int clusterBits) throws Exception {
        Path file = dir.resolve("snap.qcow2");
        int size = 4 << 20;
        byte[] model = new byte[size];
        Map<String, byte[]> taken = new LinkedHashMap<>();
        Random random = new Random(clusterBits);
        try (Qcow2Image image = Qcow2Image.create(file,
                Qcow2CreateOptions.ofCapacity(size).withClusterBits(clusterBits))) {
            for (String name : new String[] {"first", "second", "third"}) {
                scribble(image, model, random, 15);
                image.createSnapshot("", name);
                taken.put(name, model.clone());
                assertThat(image.check().isClean()).as(image.check().messages().toString()).isTrue();
            }
            scribble(image, model, random, 15);
            assertThat(image.snapshots()).extracting(Qcow2Snapshot::id).containsExactly("1", "2", "3");
            for (Map.Entry<String, byte[]> snapshot : taken.entrySet()) {
                SnapshotReader reader = image.snapshotReader(snapshot.getKey());
                byte[] content = new byte[size];
                reader.read(0, content, 0, size);
                assertThat(content).isEqualTo(snapshot.getValue());
            }
        }
        assertQemuSeesContent(file, model, dir);
        String list = QemuTool.img("snapshot", "-l", file.toString()).ok().stdout();
        assertThat(list).contains("first").contains("second").contains("third");
        for (Map.Entry<String, byte[]> snapshot : taken.entrySet()) {
            byte[] exported = QemuTool.toRaw(file, dir.resolve("x.raw"), "-l", "snapshot.name=" + snapshot.getKey());
            assertThat(exported).isEqualTo(snapshot.getValue());
        }
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            image.applySnapshot("second");
            assertThat(readAll(image)).isEqualTo(taken.get("second"));
            image.deleteSnapshot("first");
            image.deleteSnapshot("3");
            assertThat(image.check().isClean()).as(image.check().messages().toString()).isTrue();
            scribble(image, taken.get("second"), random, 10);
            model = taken.get("second");
        }
        assertQemuSeesContent(file, model, dir);
        assertThat(QemuTool.img("snapshot", "-l", file.toString()).ok().stdout()).contains("second")
                .doesNotContain("first").doesNotContain("third");
    }

    @Test
    void snapshotsQemuTakesCanBeAppliedAndDeletedByCairn() throws Exception {
        Path file = dir.resolve("q.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", file.toString(), "2M").ok();
        QemuTool.io(file, "write -P 0x11 0 1M").ok();
        QemuTool.img("snapshot", "-c", "one", file.toString()).ok();
        QemuTool.io(file, "write -P 0x22 512k 1M").ok();
        QemuTool.img("snapshot", "-c", "two", file.toString()).ok();
        QemuTool.io(file, "write -P 0x33 0 64k", "discard 1M 128k").ok();
        byte[] atOne = QemuTool.toRaw(file, dir.resolve("1.raw"), "-l", "snapshot.name=one");
        byte[] atTwo = QemuTool.toRaw(file, dir.resolve("2.raw"), "-l", "snapshot.name=two");
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            assertThat(image.snapshots()).extracting(Qcow2Snapshot::name).containsExactly("one", "two");
            assertThat(image.snapshots().get(0).icount()).isZero();
            byte[] content = new byte[atOne.length];
            image.snapshotReader("one").read(0, content, 0, content.length);
            assertThat(content).isEqualTo(atOne);
            image.applySnapshot("1");
            assertThat(readAll(image)).isEqualTo(atOne);
            image.deleteSnapshot("two");
            image.createSnapshot("", "three");
            assertThat(image.snapshots()).extracting(Qcow2Snapshot::id).containsExactly("1", "2");
        }
        assertQemuSeesContent(file, atOne, dir);
        assertThat(QemuTool.toRaw(file, dir.resolve("3.raw"), "-l", "snapshot.id=2")).isEqualTo(atOne);
        assertThat(atTwo).isNotEqualTo(atOne);
    }

    @Test
    void applyingASnapshotTakenBeforeAResizeRestoresTheOldSize() throws Exception {
        Path file = dir.resolve("resize.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            image.write(0, new byte[] {1, 2, 3}, 0, 3);
            image.createSnapshot("", "small");
            image.resize(64L << 20);
            image.write((64L << 20) - 3, new byte[] {4, 5, 6}, 0, 3);
            image.createSnapshot("", "big");
            image.applySnapshot("small");
            assertThat(image.capacityBytes()).isEqualTo(1 << 20);
            image.applySnapshot("big");
            byte[] tail = new byte[3];
            image.read((64L << 20) - 3, tail, 0, 3);
            assertThat(tail).containsExactly(4, 5, 6);
        }
        QemuTool.checkClean(file);
    }

    @Test
    void aThousandSnapshotsAreCreatedListedAndDeletedQuickly() throws Exception {
        Path file = dir.resolve("many.qcow2");
        long started = System.nanoTime();
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(8 << 20))) {
            byte[] block = new byte[4096];
            for (int i = 0; i < 1000; i++) {
                Arrays.fill(block, (byte) i);
                image.write((i % 64) * 65536L, block, 0, block.length);
                image.createSnapshot("", "snap-" + i);
            }
            assertThat(image.snapshots()).hasSize(1000);
        }
        QemuTool.checkClean(file);
        assertThat(QemuTool.img("snapshot", "-l", file.toString()).ok().stdout()).contains("snap-999");
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            byte[] content = new byte[4096];
            image.snapshotReader("snap-500").read((500 % 64) * 65536L, content, 0, content.length);
            assertThat(content[0]).isEqualTo((byte) 500);
            for (int i = 0; i < 1000; i += 10) {
                image.deleteSnapshot("snap-" + i);
            }
            assertThat(image.snapshots()).hasSize(900);
        }
        QemuTool.checkClean(file);
        assertThat((System.nanoTime() - started) / 1_000_000_000.0).isLessThan(60.0);
    }

    @Test
    void snapshotThatWouldOverflowOneBitRefcountsFailsWithoutLeaking() throws Exception {
        Path file = dir.resolve("onebit.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file,
                Qcow2CreateOptions.ofCapacity(1 << 20).withRefcountOrder(0))) {
            image.write(0, new byte[] {9}, 0, 1);
            assertThatThrownBy(() -> image.createSnapshot("", "nope"))
                    .isInstanceOf(Qcow2UnsupportedException.class).hasMessageContaining("refcount");
            assertThat(image.snapshots()).isEmpty();
            assertThat(image.check().isClean()).isTrue();
        }
        QemuTool.checkClean(file);
    }

    @Test
    void unknownSnapshotIsReportedAsNotFound() throws Exception {
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("n.qcow2"), Qcow2CreateOptions.ofCapacity(1 << 20))) {
            assertThatThrownBy(() -> image.applySnapshot("nosuch")).isInstanceOf(Qcow2NotFoundException.class)
                    .hasMessageContaining("nosuch");
        }
    }
}
