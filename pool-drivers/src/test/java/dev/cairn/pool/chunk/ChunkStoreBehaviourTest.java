package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkStoreBehaviourTest {

    static final int CHUNK = 4096;

    @TempDir
    Path dir;

    private static ChunkStoreOptions options(long chunks) {
        return ChunkStoreOptions.withCapacity(chunks * CHUNK).withAutoCommitInterval(Duration.ZERO)
                .withMappedSegmentBytes(1 << 20);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] read(ChunkStore store, long id, long offset, int length) {
        byte[] bytes = new byte[length];
        store.read(id, offset, bytes, 0, length);
        return bytes;
    }

    private static ChunkStoreException.Reason reasonOf(Throwable e) {
        return ((ChunkStoreException) e).reason();
    }

    @Test
    void aSmallOverwriteOfACommittedChunkIsLoggedNotCopiedAndReplayedAtOpen() throws IOException {
        long id;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(16))) {
            id = store.createDevice(2 * CHUNK);
            store.write(id, 0, filled(CHUNK, 1), 0, CHUNK);
            store.commit();
            store.write(id, 10, filled(100, 2), 0, 100);
            assertThat(read(store, id, 0, 12)).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2);
            assertThat(store.storeAllocatedBytes()).as("no copy of the chunk").isEqualTo(CHUNK);
            store.commit();
        }
        Path data = dir.resolve(ChunkStore.DATA_FILE);
        try (FileChannel file = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer applied = ByteBuffer.allocate(100);
            file.read(applied, 10);
            assertThat(applied.array()).as("the commit wrote the logged bytes into chunk 0").isEqualTo(filled(100, 2));
            // As if the machine stopped after the superblock, before the logged bytes reached the chunk.
            file.write(ByteBuffer.wrap(filled(100, 1)), 10);
        }
        try (ChunkStore store = ChunkStore.open(dir, options(16))) {
            assertThat(read(store, id, 0, CHUNK)).isEqualTo(concat(filled(10, 1), filled(100, 2), filled(CHUNK - 110, 1)));
            assertThat(store.check().clean()).isTrue();
        }
    }

    @Test
    void aCommitInTheMiddleOfAWriteFindsTheChunksMappedBeforeItWritten() throws IOException {
        FaultInjectingChannel.Plan plan = new FaultInjectingChannel.Plan(Long.MAX_VALUE, false);
        ChunkStoreOptions options = options(8).withNodeBlockCount(64);
        long id;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options.withChannelOpener(plan.opener()))) {
            id = store.createDevice(8 * CHUNK);
            store.write(id, 0, filled(4 * CHUNK, 1), 0, 4 * CHUNK);
            store.commit();
            // Copies of chunks 0 and 1 take two of the four free chunks; the originals wait for a commit.
            store.write(id, 0, filled(2 * CHUNK, 2), 0, 2 * CHUNK);
            long generation = store.committedGeneration();
            // Chunks 4 and 5 take the last two free chunks; chunk 6 needs the commit that frees the originals.
            store.write(id, 4 * CHUNK, filled(4 * CHUNK, 3), 0, 4 * CHUNK);
            assertThat(store.committedGeneration()).as("the write committed once, after chunk 5").isEqualTo(generation + 1);
            plan.die();
            assertThatThrownBy(store::close).isInstanceOf(ChunkStoreException.class);
        }
        plan.crash();
        try (ChunkStore store = ChunkStore.open(dir, options)) {
            assertThat(read(store, id, 0, 8 * CHUNK)).as("the state of the commit made during the write")
                    .isEqualTo(concat(filled(2 * CHUNK, 2), filled(2 * CHUNK, 1), filled(2 * CHUNK, 3), filled(2 * CHUNK, 0)));
            assertThat(store.check().problems()).isEmpty();
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(part -> part.length).sum());
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    @Test
    void buildRejectsBadChunkSizesAndAnExistingStore() {
        assertThatThrownBy(() -> ChunkStore.create(dir, 3000, options(16))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkStore.create(dir, 2 << 20, options(16))).isInstanceOf(IllegalArgumentException.class);
        ChunkStore.create(dir, CHUNK, options(16)).close();
        assertThatThrownBy(() -> ChunkStore.create(dir, CHUNK, options(16))).isInstanceOf(ChunkStoreException.class);
    }

    @Test
    void openingADirectoryWithoutAStoreFailsAndCreatesNothing() {
        Path empty = dir.resolve("empty");
        assertThatThrownBy(() -> ChunkStore.open(empty, options(16))).isInstanceOf(ChunkStoreException.class)
                .extracting(ChunkStoreBehaviourTest::reasonOf).isEqualTo(ChunkStoreException.Reason.IO_ERROR);
        assertThat(empty).doesNotExist();
    }

    @Test
    void aStoreOpenInOnePlaceCannotBeOpenedAgain() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(16))) {
            assertThatThrownBy(() -> ChunkStore.open(dir, options(16))).isInstanceOf(ChunkStoreException.class)
                    .hasMessageContaining("open elsewhere");
            assertThat(store.createDevice(CHUNK)).isPositive();
        }
        ChunkStore.open(dir, options(16)).close();
    }

    @Test
    void aCorruptedNewestSuperblockFallsBackToThePreviousCommit() throws IOException {
        long[] idAndOlder = twoCommits();
        flipByte(dir.resolve(ChunkStore.METADATA_FILE), ((idAndOlder[1] + 1) % 2) * 4096 + 30);
        assertOpensAtTheOlderCommit(idAndOlder[0], idAndOlder[1]);
    }

    @Test
    void aCorruptedNewestRefcountIndexAlsoFallsBackToThePreviousCommit() throws IOException {
        long[] idAndOlder = twoCommits();
        // A small store has a one-block index; copy s sits in block 2 + s.
        flipByte(dir.resolve(ChunkStore.METADATA_FILE), (2 + (idAndOlder[1] + 1) % 2) * 4096 + 4);
        assertOpensAtTheOlderCommit(idAndOlder[0], idAndOlder[1]);
    }

    /** Commits a chunk of ones, then one of twos over it; returns the device and the older generation. */
    private long[] twoCommits() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            long id = store.createDevice(8L * CHUNK);
            store.write(id, 0, filled(CHUNK, 1), 0, CHUNK);
            store.commit();
            long olderGeneration = store.committedGeneration();
            store.write(id, 0, filled(CHUNK, 2), 0, CHUNK);
            store.commit();
            assertThat(store.committedGeneration()).isEqualTo(olderGeneration + 1);
            return new long[] {id, olderGeneration};
        }
    }

    private void assertOpensAtTheOlderCommit(long id, long olderGeneration) {
        try (ChunkStore store = ChunkStore.open(dir, options(64))) {
            assertThat(store.committedGeneration()).isEqualTo(olderGeneration);
            assertThat(read(store, id, 0, CHUNK)).isEqualTo(filled(CHUNK, 1));
            assertThat(store.check().problems()).isEmpty();
        }
    }

    @Test
    void noValidSuperblockIsReportedAsCorrupt() throws IOException {
        ChunkStore.create(dir, CHUNK, options(64)).close();
        flipByte(dir.resolve(ChunkStore.METADATA_FILE), 10);
        flipByte(dir.resolve(ChunkStore.METADATA_FILE), 4096 + 10);
        assertThatThrownBy(() -> ChunkStore.open(dir, options(64))).isInstanceOf(ChunkStoreException.class)
                .extracting(ChunkStoreBehaviourTest::reasonOf).isEqualTo(ChunkStoreException.Reason.CORRUPT);
    }

    @Test
    void aFullStoreFailsWritesClearlyStaysConsistentAndReusesFreedSpaceAfterRestart() {
        long first;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(32))) {
            first = store.createDevice(32L * CHUNK);
            long second = store.createDevice(8L * CHUNK);
            store.write(first, 0, filled(32 * CHUNK, 9), 0, 32 * CHUNK);
            assertThat(store.storeFreeBytes()).isZero();
            assertThatThrownBy(() -> store.write(second, 0, filled(10, 1), 0, 10))
                    .isInstanceOf(ChunkStoreException.class).extracting(ChunkStoreBehaviourTest::reasonOf)
                    .isEqualTo(ChunkStoreException.Reason.STORE_FULL);
            assertThat(read(store, second, 0, 10)).isEqualTo(new byte[10]);
            assertThat(read(store, first, 31L * CHUNK, CHUNK)).isEqualTo(filled(CHUNK, 9));
            assertThat(store.check().problems()).isEmpty();
            store.discard(first, 0, 16L * CHUNK);
            assertThat(store.storeAllocatedBytes()).isEqualTo(16L * CHUNK);
        }
        try (ChunkStore store = ChunkStore.open(dir, options(32))) {
            long third = store.createDevice(16L * CHUNK);
            store.write(third, 0, filled(16 * CHUNK, 3), 0, 16 * CHUNK);
            assertThat(store.storeFreeBytes()).isZero();
            assertThat(read(store, third, 15L * CHUNK, CHUNK)).isEqualTo(filled(CHUNK, 3));
            assertThat(read(store, first, 16L * CHUNK, CHUNK)).isEqualTo(filled(CHUNK, 9));
            assertThat(store.check().problems()).isEmpty();
        }
    }

    @Test
    void writesIntoAFullStoreCommitToReuseSpaceFreedSinceTheLastCommit() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(32))) {
            long first = store.createDevice(32L * CHUNK);
            long second = store.createDevice(32L * CHUNK);
            store.write(first, 0, filled(32 * CHUNK, 1), 0, 32 * CHUNK);
            store.commit();
            long generation = store.committedGeneration();
            store.discard(first, 0, 16L * CHUNK);
            assertThat(store.storeFreeBytes()).as("freed, but reusable only after a commit").isEqualTo(16L * CHUNK);
            store.write(second, 0, filled(16 * CHUNK, 2), 0, 16 * CHUNK);
            assertThat(store.committedGeneration()).isGreaterThan(generation);
            assertThat(store.storeFreeBytes()).isZero();
            assertThat(read(store, second, 15L * CHUNK, CHUNK)).isEqualTo(filled(CHUNK, 2));
            assertThat(read(store, first, 0, CHUNK)).isEqualTo(new byte[CHUNK]);
            assertThat(read(store, first, 16L * CHUNK, CHUNK)).isEqualTo(filled(CHUNK, 1));
            assertThat(store.check().problems()).isEmpty();
        }
    }

    @Test
    void runningOutOfMetadataBlocksFailsWithStoreFullAndDeletesStillWork() {
        ChunkStoreOptions small = options(4096).withNodeBlockCount(40).withNodeFanout(4);
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, small)) {
            long id = store.createDevice(4096L * CHUNK);
            int written = 0;
            ChunkStoreException full = null;
            for (; written < 4096 && full == null; written++) {
                try {
                    store.write(id, (long) written * CHUNK, filled(1, 1), 0, 1);
                } catch (ChunkStoreException e) {
                    full = e;
                }
            }
            assertThat(full).isNotNull();
            assertThat(full.reason()).isEqualTo(ChunkStoreException.Reason.STORE_FULL);
            assertThat(store.check().problems()).isEmpty();
            assertThat(read(store, id, 0, 1)).isEqualTo(filled(1, 1));
            store.deleteDevice(id);
            assertThat(store.metadataAllocatedBlocks()).isZero();
            assertThat(store.storeAllocatedBytes()).isZero();
        }
    }

    @Test
    void zeroWritesAndDiscardsUnmapWholeChunksAndZeroPartialOnes() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            long id = store.createDevice(8L * CHUNK);
            store.write(id, 0, filled(3 * CHUNK, 5), 0, 3 * CHUNK);
            assertThat(store.deviceAllocatedBytes(id)).isEqualTo(3L * CHUNK);
            store.write(id, CHUNK, new byte[CHUNK], 0, CHUNK);
            assertThat(store.deviceAllocatedBytes(id)).isEqualTo(2L * CHUNK);
            store.write(id, 5L * CHUNK, new byte[100], 0, 100);
            assertThat(store.deviceAllocatedBytes(id)).as("zeros over an unmapped chunk allocate nothing")
                    .isEqualTo(2L * CHUNK);
            store.discard(id, 100, 2L * CHUNK);
            assertThat(store.deviceAllocatedBytes(id)).as("the partial head chunk stays, zeroed from byte 100")
                    .isEqualTo(2L * CHUNK);
            byte[] head = read(store, id, 0, CHUNK);
            assertThat(Arrays.copyOf(head, 100)).isEqualTo(filled(100, 5));
            assertThat(Arrays.copyOfRange(head, 100, CHUNK)).isEqualTo(new byte[CHUNK - 100]);
            assertThat(read(store, id, 2L * CHUNK, 100)).isEqualTo(new byte[100]);
            assertThat(read(store, id, 2L * CHUNK + 100, 10)).isEqualTo(filled(10, 5));
            store.discard(id, 0, 8L * CHUNK);
            assertThat(store.deviceAllocatedBytes(id)).isZero();
            assertThat(store.storeAllocatedBytes()).isZero();
        }
    }

    @Test
    void discardingToTheEndUnmapsALastChunkTheCapacityCutsShort() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            long id = store.createDevice(2L * CHUNK + 100);
            store.write(id, 0, filled(2 * CHUNK + 100, 3), 0, 2 * CHUNK + 100);
            store.discard(id, CHUNK, CHUNK + 100);
            assertThat(store.deviceAllocatedBytes(id)).isEqualTo(CHUNK);
            store.resize(id, 3L * CHUNK);
            assertThat(read(store, id, CHUNK, 2 * CHUNK)).isEqualTo(new byte[2 * CHUNK]);
        }
    }

    @Test
    void shrinkingThenGrowingReadsZerosBeyondTheShrinkPoint() {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            long id = store.createDevice(4L * CHUNK);
            store.write(id, 0, filled(4 * CHUNK, 7), 0, 4 * CHUNK);
            store.resize(id, CHUNK + 10);
            assertThat(store.deviceCapacityBytes(id)).isEqualTo(CHUNK + 10);
            assertThat(store.deviceAllocatedBytes(id)).isEqualTo(2L * CHUNK);
            assertThatThrownBy(() -> store.read(id, CHUNK, new byte[11], 0, 11)).isInstanceOf(IllegalArgumentException.class);
            store.resize(id, 4L * CHUNK);
            assertThat(read(store, id, CHUNK, 10)).isEqualTo(filled(10, 7));
            assertThat(read(store, id, CHUNK + 10, 3 * CHUNK - 10)).isEqualTo(new byte[3 * CHUNK - 10]);
        }
    }

    @Test
    void diffReportsOnlyWhatChangedAndSkipsSharedSubtrees() {
        ChunkStoreOptions deep = options(8192).withNodeFanout(8);
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, deep)) {
            long origin = store.createDevice(4096L * CHUNK);
            for (int i = 0; i < 4096; i++) {
                store.write(origin, (long) i * CHUNK, filled(1, 1), 0, 1);
            }
            long snapshot = store.snapshotDevice(origin);
            store.write(origin, 10L * CHUNK, filled(1, 2), 0, 1);
            store.write(origin, 11L * CHUNK, filled(1, 2), 0, 1);
            store.write(origin, 3000L * CHUNK, filled(1, 2), 0, 1);
            store.discard(origin, 4000L * CHUNK, CHUNK);
            List<String> ranges = new ArrayList<>();
            long nodesRead = store.diff(snapshot, origin, (offset, length, kind) ->
                    ranges.add(kind + " " + offset / CHUNK + "+" + length / CHUNK));
            assertThat(ranges).containsExactly("CHANGED 10+2", "CHANGED 3000+1", "UNMAPPED 4000+1");
            assertThat(nodesRead).as("nodes read, of about 1200 in each tree").isLessThan(80);
            List<String> none = new ArrayList<>();
            assertThat(store.diff(snapshot, snapshot, (o, l, k) -> none.add(k.name()))).isEqualTo(2);
            assertThat(none).isEmpty();
        }
    }

    @Test
    void leakedReferencesAreReportedAndRepairedDurably() throws IOException {
        long id;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            id = store.createDevice(8L * CHUNK);
            store.write(id, 0, filled(2 * CHUNK, 4), 0, 2 * CHUNK);
            store.dataChunkMap().increment(0);
            store.write(id, 0, filled(1, 4), 0, 1);
            store.commit();
        }
        try (ChunkStore store = ChunkStore.open(dir, options(64))) {
            CheckReport report = store.check();
            assertThat(report.leaks()).isEqualTo(1);
            assertThat(report.corruptions()).isZero();
            assertThat(report.problems()).singleElement().asString().contains("data chunk 0");
            CheckReport repair = store.repair();
            assertThat(repair.repaired()).isEqualTo(1);
        }
        try (ChunkStore store = ChunkStore.open(dir, options(64))) {
            assertThat(store.check().clean()).isTrue();
            assertThat(read(store, id, 0, 2 * CHUNK)).isEqualTo(filled(2 * CHUNK, 4));
            store.deleteDevice(id);
            assertThat(store.storeAllocatedBytes()).isZero();
        }
    }

    @Test
    void missingReferencesAndDamagedNodesAreReportedAsCorruption() throws IOException {
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options(64))) {
            long id = store.createDevice(8L * CHUNK);
            store.write(id, 0, filled(CHUNK, 4), 0, CHUNK);
            long snapshot = store.snapshotDevice(id);
            store.dataChunkMap().repairRefcount(0, 0);
            CheckReport report = store.check();
            assertThat(report.corruptions()).isEqualTo(1);
            assertThat(report.leaks()).isZero();
            CheckReport afterRepair = store.repair();
            assertThat(afterRepair.corruptions()).as("corruption is not repaired away").isEqualTo(1);
            assertThat(snapshot).isPositive();
        }
        Path other = dir.resolve("damaged");
        try (ChunkStore store = ChunkStore.create(other, CHUNK, options(64))) {
            long id = store.createDevice(8L * CHUNK);
            store.write(id, 0, filled(CHUNK, 4), 0, CHUNK);
        }
        damageMappingNodes(other.resolve(ChunkStore.METADATA_FILE));
        try (ChunkStore store = ChunkStore.open(other, options(64))) {
            CheckReport report = store.check();
            assertThat(report.corruptions()).isPositive();
            assertThat(report.problems()).anySatisfy(problem -> assertThat(problem).contains("checksum"));
        }
    }

    @Test
    void aBigDeviceWorksThroughATinyBoundedCache() {
        ChunkStoreOptions tiny = options(8192).withNodeFanout(4).withNodeCacheBytes(16 * 4096)
                .withSyncOnCommit(false);
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, tiny)) {
            long id = store.createDevice(8192L * CHUNK);
            for (int i = 0; i < 8192; i += 2) {
                store.write(id, (long) i * CHUNK + 7, filled(1, i % 250 + 1), 0, 1);
                assertThat(store.cachedBlocks()).isLessThanOrEqualTo(store.cacheBoundBlocks());
            }
            long snapshot = store.snapshotDevice(id);
            store.write(id, 4000L * CHUNK + 7, filled(1, 255), 0, 1);
            assertThat(store.metadataAllocatedBlocks()).as("metadata much larger than the cache")
                    .isGreaterThan(50L * store.cacheBoundBlocks());
            for (int i = 0; i < 8192; i += 2) {
                int expected = i == 4000 ? 255 : i % 250 + 1;
                assertThat(read(store, id, (long) i * CHUNK + 7, 1)[0]).isEqualTo((byte) expected);
                assertThat(read(store, snapshot, (long) i * CHUNK + 7, 1)[0]).isEqualTo((byte) (i % 250 + 1));
            }
            assertThat(store.cachedBlocks()).isLessThanOrEqualTo(store.cacheBoundBlocks());
            assertThat(store.check().problems()).isEmpty();
        }
    }

    @Test
    void autoCommitMakesWritesDurableWithinTheInterval() throws InterruptedException {
        ChunkStoreOptions timed = options(64).withAutoCommitInterval(Duration.ofMillis(50));
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, timed)) {
            long id = store.createDevice(8L * CHUNK);
            long generation = store.committedGeneration();
            store.write(id, 0, filled(10, 1), 0, 10);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (store.committedGeneration() == generation && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(store.committedGeneration()).isGreaterThan(generation);
            long idle = store.committedGeneration();
            Thread.sleep(200);
            assertThat(store.committedGeneration()).as("no commits without changes").isEqualTo(idle);
        }
    }

    @Test
    void unknownDevicesAndClosedStoresFailWithTheirReason() {
        ChunkStore store = ChunkStore.create(dir, CHUNK, options(64));
        assertThatThrownBy(() -> store.snapshotDevice(42)).extracting(ChunkStoreBehaviourTest::reasonOf)
                .isEqualTo(ChunkStoreException.Reason.NO_SUCH_DEVICE);
        long id = store.createDevice(CHUNK);
        assertThatThrownBy(() -> store.write(id, 1, new byte[CHUNK], 0, CHUNK))
                .isInstanceOf(IllegalArgumentException.class);
        store.close();
        assertThatThrownBy(() -> store.createDevice(CHUNK)).extracting(ChunkStoreBehaviourTest::reasonOf)
                .isEqualTo(ChunkStoreException.Reason.CLOSED);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x10)).clear();
            channel.write(one, position);
        }
    }

    /** Flips a byte inside every mapping-tree node of the file. */
    private static void damageMappingNodes(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long block = 2; block < channel.size() / 4096; block++) {
                ByteBuffer header = ByteBuffer.allocate(9);
                channel.read(header, block * 4096);
                if (header.getInt(0) == Integer.reverseBytes(TreeNode.MAGIC) && header.get(8) == TreeKind.MAPPING.code) {
                    flipByte(file, block * 4096 + 40);
                }
            }
        }
    }
}
