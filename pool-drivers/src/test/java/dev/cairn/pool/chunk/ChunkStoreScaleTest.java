package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many snapshots of one device, made, listed and deleted quickly, with allocation back to the baseline.
 * The figure, 100,000, runs in CI (some 5 to 10 s unsynced on a 2-core machine).
 */
class ChunkStoreScaleTest {

    static final int CHUNK = 4096;
    static final int SNAPSHOTS = 100_000;

    @TempDir
    Path dir;

    @Test
    void aHundredThousandSnapshotsAreCreatedListedAndDeletedAndFreeEverything() {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(4096L * CHUNK).withNodeBlockCount(65536)
                .withAutoCommitInterval(Duration.ZERO).withSyncOnCommit(false);
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options)) {
            long volume = store.createDevice(256L * CHUNK);
            byte[] content = new byte[256 * CHUNK];
            new Random(7).nextBytes(content);
            store.write(volume, 0, content, 0, content.length);
            store.commit();
            long baselineData = store.storeAllocatedBytes();
            long baselineNodes = store.metadataAllocatedBlocks();

            long started = System.nanoTime();
            long[] ids = new long[SNAPSHOTS];
            for (int i = 0; i < SNAPSHOTS; i++) {
                ids[i] = store.snapshotDevice(volume);
            }
            long created = System.nanoTime();
            assertThat(store.storeAllocatedBytes()).as("snapshots share every chunk").isEqualTo(baselineData);
            long[] listed = store.deviceIds();
            long wasListed = System.nanoTime();
            assertThat(listed).hasSize(SNAPSHOTS + 1).startsWith(volume).endsWith(ids[SNAPSHOTS - 1]);
            assertThat(Arrays.copyOfRange(listed, 1, listed.length)).isEqualTo(ids);
            byte[] last = new byte[content.length];
            store.read(ids[SNAPSHOTS - 1], 0, last, 0, last.length);
            assertThat(Arrays.equals(last, content)).isTrue();

            long deleting = System.nanoTime();
            for (long id : ids) {
                store.deleteDevice(id);
            }
            long deleted = System.nanoTime();
            assertThat(store.deviceIds()).containsExactly(volume);
            assertThat(store.storeAllocatedBytes()).isEqualTo(baselineData);
            // The device table may keep a taller root than it needs once emptied (no merging on delete).
            assertThat(store.metadataAllocatedBlocks()).isLessThanOrEqualTo(baselineNodes + 2);
            assertThat(store.check().problems()).isEmpty();
            System.out.printf("%d snapshots: created in %d ms, listed in %d ms, deleted in %d ms; node blocks %d -> %d%n",
                    SNAPSHOTS, (created - started) / 1_000_000, (wasListed - created) / 1_000_000,
                    (deleted - deleting) / 1_000_000, baselineNodes, store.metadataAllocatedBlocks());
            assertThat((created - started + deleted - deleting) / 1_000_000_000.0).as("seconds for create and delete")
                    .isLessThan(SNAPSHOTS / 1_000.0);
        }
    }

    @Test
    void snapshotsOfAWrittenDeviceStayIndependentAsBothSidesChange() {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(8192L * CHUNK).withNodeFanout(8)
                .withAutoCommitInterval(Duration.ZERO).withSyncOnCommit(false);
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options)) {
            long volume = store.createDevice(1024L * CHUNK);
            byte[] chunk = new byte[CHUNK];
            for (int i = 0; i < 1024; i++) {
                Arrays.fill(chunk, fill(i));
                store.write(volume, (long) i * CHUNK, chunk, 0, CHUNK);
            }
            long nodesBefore = store.metadataAllocatedBlocks();
            long snapshot = store.snapshotDevice(volume);
            assertThat(store.metadataAllocatedBlocks()).as("a snapshot costs O(1) metadata")
                    .isLessThanOrEqualTo(nodesBefore + 6);
            Arrays.fill(chunk, (byte) 0x55);
            store.write(volume, 500L * CHUNK, chunk, 0, 10);
            byte[] read = new byte[CHUNK];
            store.read(snapshot, 500L * CHUNK, read, 0, CHUNK);
            assertThat(read[0]).isEqualTo(fill(500));
            store.read(volume, 500L * CHUNK, read, 0, CHUNK);
            assertThat(read[0]).isEqualTo((byte) 0x55);
            assertThat(read[10]).isEqualTo(fill(500));
            assertThat(store.storeAllocatedBytes()).as("one chunk copied on write").isEqualTo(1025L * CHUNK);
            store.deleteDevice(volume);
            assertThat(store.storeAllocatedBytes()).isEqualTo(1024L * CHUNK);
            store.deleteDevice(snapshot);
            assertThat(store.storeAllocatedBytes()).isZero();
            assertThat(store.metadataAllocatedBlocks()).isZero();
            assertThat(store.check().clean()).isTrue();
        }
    }

    /** A non-zero byte per chunk (an all-zero chunk would be unmapped). */
    private static byte fill(int chunkIndex) {
        return (byte) (chunkIndex % 255 + 1);
    }

    @Test
    void aOneTebibyteStoreWithAOneTebibyteDeviceIsSparseAndWorks() throws java.io.IOException {
        long tebibyte = 1L << 40;
        int chunk = 64 * 1024;
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(tebibyte).withAutoCommitInterval(Duration.ZERO);
        long started = System.nanoTime();
        long id;
        try (ChunkStore store = ChunkStore.create(dir, chunk, options)) {
            id = store.createDevice(tebibyte);
            store.write(id, 0, new byte[] {1}, 0, 1);
            store.write(id, tebibyte - 1, new byte[] {2}, 0, 1);
            long snapshot = store.snapshotDevice(id);
            store.write(snapshot, tebibyte / 2, new byte[] {3}, 0, 1);
            assertThat(store.storeCapacityBytes()).isEqualTo(tebibyte);
            assertThat(store.storeAllocatedBytes()).isEqualTo(3L * chunk);
        }
        try (ChunkStore store = ChunkStore.open(dir, options)) {
            byte[] one = new byte[1];
            store.read(id, tebibyte - 1, one, 0, 1);
            assertThat(one[0]).isEqualTo((byte) 2);
            assertThat(store.metadataAllocatedBlocks()).as("node blocks follow use, not capacity").isLessThan(32);
            assertThat(store.check().problems()).isEmpty();
        }
        System.out.printf("1 TiB store: built, used, reopened and checked in %d ms; sparse metadata file of %d bytes%n",
                (System.nanoTime() - started) / 1_000_000,
                java.nio.file.Files.size(dir.resolve(ChunkStore.METADATA_FILE)));
    }
}
