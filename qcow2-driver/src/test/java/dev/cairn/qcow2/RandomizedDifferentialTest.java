package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random operations (writes, zeroes, discards, snapshot create/apply/delete) mirrored on
 * an in-memory model; content, snapshot content, Cairn's check and qemu-img check are compared
 * at intervals.
 */
class RandomizedDifferentialTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed={0} cluster_bits={1} refcount_order={2}")
    @CsvSource({"20261122, 9, 4", "4242, 12, 3", "77, 16, 5"})
    void randomOperationsMatchTheModelAndStayCheckClean(long seed, int clusterBits, int refcountOrder)
            throws Exception {
        Random random = new Random(seed);
        int size = 2 << 20;
        byte[] model = new byte[size];
        Map<String, byte[]> snapshots = new LinkedHashMap<>();
        Path file = dir.resolve("fuzz.qcow2");
        int operations = 1500;
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(size)
                .withClusterBits(clusterBits).withRefcountOrder(refcountOrder))) {
            for (int op = 1; op <= operations; op++) {
                step(image, model, snapshots, random, op);
                if (op % 750 == 0) {
                    verify(image, model, snapshots, file);
                }
            }
        }
        QemuTool.checkClean(file);
    }

    private void step(Qcow2Image image, byte[] model, Map<String, byte[]> snapshots, Random random, int op)
            throws Exception {
        int choice = random.nextInt(100);
        int offset = random.nextInt(model.length);
        int len = Math.min(model.length - offset, 1 + random.nextInt(random.nextBoolean() ? 2048 : 40_000));
        if (choice < 65) {
            byte[] data = new byte[len];
            if (random.nextInt(10) > 0) {
                random.nextBytes(data);
            }
            image.write(offset, data, 0, len);
            System.arraycopy(data, 0, model, offset, len);
        } else if (choice < 75) {
            if (random.nextBoolean()) {
                image.discard(offset, len);
            } else {
                image.writeZeroes(offset, len);
            }
            Arrays.fill(model, offset, offset + len, (byte) 0);
        } else if (choice < 82 && snapshots.size() < 12) {
            String name = "s" + op;
            image.createSnapshot("", name);
            snapshots.put(name, model.clone());
        } else if (choice < 87 && !snapshots.isEmpty()) {
            String name = pick(snapshots, random);
            image.applySnapshot(name);
            System.arraycopy(snapshots.get(name), 0, model, 0, model.length);
        } else if (choice < 92 && !snapshots.isEmpty()) {
            String name = pick(snapshots, random);
            image.deleteSnapshot(name);
            snapshots.remove(name);
        } else {
            byte[] actual = new byte[len];
            image.read(offset, actual, 0, len);
            assertThat(actual).as("read at op %d", op).isEqualTo(Arrays.copyOfRange(model, offset, offset + len));
        }
    }

    private static String pick(Map<String, byte[]> snapshots, Random random) {
        List<String> names = new ArrayList<>(snapshots.keySet());
        return names.get(random.nextInt(names.size()));
    }

    private void verify(Qcow2Image image, byte[] model, Map<String, byte[]> snapshots, Path file) throws Exception {
        byte[] content = new byte[model.length];
        image.read(0, content, 0, content.length);
        assertThat(content).isEqualTo(model);
        for (Map.Entry<String, byte[]> snapshot : snapshots.entrySet()) {
            image.snapshotReader(snapshot.getKey()).read(0, content, 0, content.length);
            assertThat(content).as("snapshot %s", snapshot.getKey()).isEqualTo(snapshot.getValue());
        }
        CheckResult check = image.check();
        assertThat(check.isClean()).as(check.messages().toString()).isTrue();
        image.flush();
        QemuTool.checkClean(file);
    }
}
