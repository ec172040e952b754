package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReadWriteInteropTest {

    @TempDir
    Path dir;

    static byte[] readAll(Qcow2Image image) throws Exception {
        byte[] content = new byte[(int) image.capacityBytes()];
        image.read(0, content, 0, content.length);
        return content;
    }

    static void assertQemuSeesContent(Path image, byte[] expected, Path dir) throws Exception {
        QemuTool.checkClean(image);
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuTool.img("compare", "-f", "qcow2", "-F", "raw", image.toString(), raw.toString()).ok();
    }

    @ParameterizedTest(name = "cluster_bits={0} refcount_order={1} compat={2}")
    @CsvSource({"9, 4, 1.1", "12, 4, 1.1", "16, 4, 1.1", "21, 4, 1.1", "16, 0, 1.1", "16, 1, 1.1", "16, 3, 1.1",
        "16, 5, 1.1", "16, 6, 1.1", "9, 0, 1.1", "16, 4, 0.10", "12, 4, 0.10"})
    void writesZeroesAndDiscardsReadBackAndQemuAgrees(int clusterBits, int refcountOrder, String compat)
            throws Exception {
        Path file = dir.resolve("img.qcow2");
        int size = 8 << 20;
        byte[] model = new byte[size];
        Random random = new Random(42 + clusterBits * 7L + refcountOrder);
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(size)
                .withClusterBits(clusterBits).withRefcountOrder(refcountOrder).withCompat(compat))) {
            for (int i = 0; i < 60; i++) {
                int offset = random.nextInt(size - 1);
                int len = 1 + random.nextInt(Math.min(size - offset, 300_000));
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        byte[] data = new byte[len];
                        random.nextBytes(data);
                        image.write(offset, data, 0, len);
                        System.arraycopy(data, 0, model, offset, len);
                    }
                    case 2 -> {
                        image.writeZeroes(offset, len);
                        Arrays.fill(model, offset, offset + len, (byte) 0);
                    }
                    default -> {
                        image.discard(offset, len);
                        Arrays.fill(model, offset, offset + len, (byte) 0);
                    }
                }
            }
            assertThat(readAll(image)).isEqualTo(model);
            assertThat(image.check().isClean()).as(image.check().messages().toString()).isTrue();
        }
        assertQemuSeesContent(file, model, dir);
        try (Qcow2Image reopened = Qcow2Image.open(file, false)) {
            assertThat(readAll(reopened)).isEqualTo(model);
        }
    }

    @Test
    void smallClustersGrowTheRefcountTableAndStayCheckClean() throws Exception {
        // 512-byte clusters: one refcount-table cluster covers 8 MiB of host file.
        Path file = dir.resolve("grow.qcow2");
        int size = 24 << 20;
        byte[] model = new byte[size];
        new Random(7).nextBytes(model);
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(size).withClusterBits(9))) {
            image.write(0, model, 0, size);
            assertThat(image.header().refcountTableClusters()).isGreaterThan(1);
        }
        assertQemuSeesContent(file, model, dir);
    }

    @Test
    void allZeroClusterWritesBecomeZeroClustersWithoutHostAllocation() throws Exception {
        Path file = dir.resolve("zero.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            long before = image.allocatedBytes();
            image.write(0, new byte[65536 * 4], 0, 65536 * 4);
            assertThat(image.allocatedBytes()).as("nothing to allocate on a fresh image").isEqualTo(before);
            byte[] data = new byte[65536 * 4];
            Arrays.fill(data, (byte) 1);
            image.write(0, data, 0, data.length);
            assertThat(image.allocatedBytes()).isEqualTo(before + 5 * 65536);
            image.write(0, new byte[65536 * 4], 0, 65536 * 4);
            assertThat(image.allocatedBytes()).as("data clusters freed, L2 table kept").isEqualTo(before + 65536);
        }
        String map = QemuTool.img("map", "--output=json", file.toString()).ok().stdout();
        assertThat(map).contains("\"zero\": true, \"data\": false").doesNotContain("\"data\": true");
        QemuTool.checkClean(file);
    }

    @ParameterizedTest(name = "qemu-made image, cluster_size={0}, refcount_bits={1}, compat={2}, lazy={3}")
    @CsvSource({"65536, 16, 1.1, off", "512, 16, 1.1, off", "2097152, 16, 1.1, off", "4096, 1, 1.1, off",
        "65536, 8, 1.1, off", "65536, 64, 1.1, off", "65536, 16, 0.10, off", "65536, 16, 1.1, on"})
    void imagesQemuWritesReadIdenticallyAndTakeCairnWrites(int clusterSize, int refcountBits, String compat,
            String lazy) throws Exception {
        Path file = dir.resolve("qemu.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", "-o", "cluster_size=" + clusterSize + ",refcount_bits="
                + refcountBits + ",compat=" + compat + ",lazy_refcounts=" + lazy, file.toString(), "6M").ok();
        QemuTool.io(file, "write -P 0xab 0 1M", "write -P 0xcd 1500k 700k", "write -z 300k 200k",
                "write -z -u 2M 512k", "discard 1M 64k", "write -P 0x11 5000k 3", "write -P 0x22 2100k 128k").ok();
        byte[] expected = QemuTool.toRaw(file, dir.resolve("qemu.raw"));
        byte[] model;
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            model = readAll(image);
            assertThat(model).isEqualTo(expected);
            byte[] data = new byte[100_000];
            new Random(1).nextBytes(data);
            image.write(1_234_567, data, 0, data.length);
            System.arraycopy(data, 0, model, 1_234_567, data.length);
            image.discard(0, 262144);
            Arrays.fill(model, 0, 262144, (byte) 0);
            if (refcountBits > 1) {
                image.createSnapshot("", "cairn");
                image.write(3_000_000, data, 0, 1000);
            } else {
                assertThatThrownBy(() -> image.createSnapshot("", "cairn"))
                        .isInstanceOf(Qcow2UnsupportedException.class);
            }
        }
        if (refcountBits > 1) {
            assertThat(QemuTool.img("snapshot", "-l", file.toString()).ok().stdout()).contains("cairn");
            assertThat(QemuTool.toRaw(file, dir.resolve("snap.raw"), "-l", "snapshot.name=cairn")).isEqualTo(model);
            byte[] data = new byte[100_000];
            new Random(1).nextBytes(data);
            System.arraycopy(data, 0, model, 3_000_000, 1000);
        }
        assertQemuSeesContent(file, model, dir);
    }

    @ParameterizedTest(name = "compressed by qemu-img convert -c, cluster_size={0}")
    @ValueSource(ints = {512, 4096, 65536, 2097152})
    void compressedClustersFromQemuReadIdenticallyAndCanBeOverwritten(int clusterSize) throws Exception {
        Path raw = dir.resolve("src.raw");
        byte[] source = new byte[5 << 20];
        Random random = new Random(clusterSize);
        for (int i = 0; i < source.length; i += 4096) {
            byte value = (byte) random.nextInt(4);
            if (value == 3) {
                random.nextBytes(Arrays.copyOfRange(source, i, i + 4096));
                for (int j = i; j < i + 4096; j++) {
                    source[j] = (byte) random.nextInt();
                }
            } else {
                Arrays.fill(source, i, i + 4096, (byte) ("abc".charAt(value)));
            }
        }
        Files.write(raw, source);
        Path file = dir.resolve("compressed.qcow2");
        QemuTool.img("convert", "-c", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=" + clusterSize,
                raw.toString(), file.toString()).ok();
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            assertThat(image.check().compressedClusters()).isGreaterThan(0);
            assertThat(readAll(image)).isEqualTo(source);
            byte[] patch = new byte[3000];
            Arrays.fill(patch, (byte) 0x5a);
            image.write(10_000, patch, 0, patch.length);
            System.arraycopy(patch, 0, source, 10_000, patch.length);
            image.createSnapshot("", "after-patch");
            image.write(20_000, patch, 0, patch.length);
        }
        assertThat(QemuTool.toRaw(file, dir.resolve("snap.raw"), "-l", "snapshot.name=after-patch"))
                .isEqualTo(source);
        Arrays.fill(source, 20_000, 23_000, (byte) 0x5a);
        assertQemuSeesContent(file, source, dir);
    }
}
