package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads and the auto-commit timer share one store through its lock. */
class ChunkStoreConcurrencyTest {

    static final int CHUNK = 4096;
    static final int DEVICE_BYTES = 64 * CHUNK;

    @TempDir
    Path dir;

    @Test
    void concurrentWritersSnapshotsAndTimedCommitsKeepEveryDeviceIntact() throws Exception {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(4096L * CHUNK).withNodeFanout(8)
                .withNodeCacheBytes(32 * 4096).withAutoCommitInterval(Duration.ofMillis(20)).withSyncOnCommit(false);
        List<byte[]> expected = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options)) {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<long[]>> results = new ArrayList<>();
                List<byte[]> contents = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    byte[] content = new byte[DEVICE_BYTES];
                    contents.add(content);
                    long seed = t;
                    results.add(threads.submit(() -> writeAndSnapshot(store, content, new Random(seed))));
                }
                for (int t = 0; t < 4; t++) {
                    long[] deviceAndSnapshot = results.get(t).get();
                    ids.add(deviceAndSnapshot[0]);
                    expected.add(contents.get(t));
                }
            } finally {
                threads.shutdown();
            }
            for (int t = 0; t < 4; t++) {
                byte[] actual = new byte[DEVICE_BYTES];
                store.read(ids.get(t), 0, actual, 0, DEVICE_BYTES);
                assertThat(Arrays.equals(actual, expected.get(t))).as("device of thread %d", t).isTrue();
            }
            assertThat(store.check().problems()).isEmpty();
        }
        try (ChunkStore reopened = ChunkStore.open(dir, options)) {
            for (int t = 0; t < 4; t++) {
                byte[] actual = new byte[DEVICE_BYTES];
                reopened.read(ids.get(t), 0, actual, 0, DEVICE_BYTES);
                assertThat(Arrays.equals(actual, expected.get(t))).isTrue();
            }
        }
    }

    /** Writes randomly into a new device, snapshotting and deleting snapshots as it goes. */
    private static long[] writeAndSnapshot(ChunkStore store, byte[] content, Random random) {
        long id = store.createDevice(DEVICE_BYTES);
        long snapshot = store.snapshotDevice(id);
        for (int i = 0; i < 400; i++) {
            int offset = random.nextInt(DEVICE_BYTES - 1);
            int len = 1 + random.nextInt(Math.min(2 * CHUNK, DEVICE_BYTES - offset));
            byte[] buf = new byte[len];
            random.nextBytes(buf);
            store.write(id, offset, buf, 0, len);
            System.arraycopy(buf, 0, content, offset, len);
            if (i % 50 == 49) {
                store.deleteDevice(snapshot);
                snapshot = store.snapshotDevice(id);
            }
        }
        return new long[] {id, snapshot};
    }
}
