package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random work on an overcommitted store that keeps running out of data chunks and node blocks:
 * every failure is {@code STORE_FULL}, a failed write or discard has changed exactly a whole-chunk
 * prefix of its range, and the store matches the model and checks clean throughout.
 */
class ChunkStoreFullStoreTest {

    static final int CHUNK = 4096;
    static final int DEVICE_CHUNKS = 48;

    @TempDir
    Path dir;

    @Test
    void anOvercommittedStoreFailsOnlyWithStoreFullAndStaysConsistent() {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(96L * CHUNK).withNodeBlockCount(95)
                .withNodeFanout(4).withNodeCacheBytes(16 * 4096).withAutoCommitInterval(Duration.ZERO)
                .withSyncOnCommit(false);
        Random random = new Random(11);
        DeviceModel model = new DeviceModel();
        int dataFull = 0;
        int metadataFull = 0;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options)) {
            for (int step = 0; step < 1500; step++) {
                try {
                    step(store, model, random);
                } catch (ChunkStoreException e) {
                    assertThat(e.reason()).isEqualTo(ChunkStoreException.Reason.STORE_FULL);
                    if (store.storeFreeBytes() == 0) {
                        dataFull++;
                    } else {
                        metadataFull++;
                    }
                }
                if (step % 20 == 19) {
                    model.assertMatches(store);
                    assertThat(store.check().problems()).isEmpty();
                }
            }
            assertThat(dataFull).as("failures for want of data chunks").isGreaterThan(50);
            assertThat(metadataFull).as("failures for want of node blocks").isGreaterThan(50);
            for (long id : ChunkStoreModelTest.toList(model.ids())) {
                store.deleteDevice(id);
            }
            assertThat(store.storeAllocatedBytes()).isZero();
            assertThat(store.metadataAllocatedBlocks()).isZero();
        }
    }

    private static void step(ChunkStore store, DeviceModel model, Random random) {
        int roll = random.nextInt(100);
        if (model.size() < 2 || (roll < 5 && model.size() < 8)) {
            long capacity = DEVICE_CHUNKS * (long) CHUNK;
            long id = store.createDevice(capacity);
            assertThat(model.create(capacity)).isEqualTo(id);
            return;
        }
        long id = model.idAt(random.nextInt(model.size()));
        if (roll < 65) {
            int offset = random.nextInt(DEVICE_CHUNKS * CHUNK - 1);
            int len = 1 + random.nextInt(Math.min(6 * CHUNK, DEVICE_CHUNKS * CHUNK - offset));
            byte[] buf = new byte[len];
            random.nextBytes(buf);
            writeOrPrefix(store, model, id, offset, buf, false);
        } else if (roll < 80) {
            int offset = random.nextInt(DEVICE_CHUNKS * CHUNK - 1);
            int len = 1 + random.nextInt(DEVICE_CHUNKS * CHUNK - offset);
            writeOrPrefix(store, model, id, offset, new byte[len], true);
        } else if (roll < 90 && model.size() < 10) {
            long snapshot = store.snapshotDevice(id);
            assertThat(model.snapshot(id)).isEqualTo(snapshot);
        } else if (roll < 97) {
            store.deleteDevice(id);
            model.delete(id);
        } else {
            store.commit();
        }
    }

    /** Applies a write (or discard); when the store is full part-way, adopts the whole-chunk prefix it did apply. */
    private static void writeOrPrefix(ChunkStore store, DeviceModel model, long id, int offset, byte[] bytes,
                                      boolean discard) {
        byte[] before = model.bytes(id).clone();
        try {
            if (discard) {
                store.discard(id, offset, bytes.length);
            } else {
                store.write(id, offset, bytes, 0, bytes.length);
            }
            model.write(id, offset, bytes);
        } catch (ChunkStoreException e) {
            byte[] actual = new byte[before.length];
            store.read(id, 0, actual, 0, actual.length);
            assertThat(appliedPrefix(before, actual, offset, bytes)).as("a whole-chunk prefix was applied").isTrue();
            model.write(id, 0, actual);
            throw e;
        }
    }

    private static boolean appliedPrefix(byte[] before, byte[] actual, int offset, byte[] bytes) {
        int end = offset + bytes.length;
        for (int cut = offset; ; cut = Math.min(end, (cut / CHUNK + 1) * CHUNK)) {
            byte[] candidate = before.clone();
            System.arraycopy(bytes, 0, candidate, offset, cut - offset);
            if (Arrays.equals(candidate, actual)) {
                return true;
            }
            if (cut == end) {
                return false;
            }
        }
    }
}
