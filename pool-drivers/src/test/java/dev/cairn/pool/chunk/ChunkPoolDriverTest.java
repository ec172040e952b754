package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.PoolDriverContract;
import dev.cairn.pool.spi.StoredSnapshot;
import dev.cairn.pool.spi.StoredVolume;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChunkPoolDriverTest extends PoolDriverContract {
    private static final int CHUNK = 64 * 1024;

    @Override
    protected PoolDriver driver() {
        return new ChunkPoolDriver();
    }

    @Override
    protected BuildOptions buildOptions() {
        return new BuildOptions(256L << 20, CHUNK);
    }

    @Test
    void volumesShareOneStoreWhoseAllocationFollowsWritesAndDeletes() {
        long baseline = pool.usage().allocationBytes();
        pool.createVolume("a", 16L << 20, "raw");
        pool.createVolume("b", 16L << 20, "raw");
        write("a", 0, filled(4 * CHUNK, (byte) 1));
        write("b", CHUNK, filled(CHUNK, (byte) 2));
        assertThat(pool.describe(ref("a")).allocationBytes()).isEqualTo(4L * CHUNK);
        assertThat(pool.describe(ref("b")).format()).isEqualTo("raw");
        assertThat(pool.usage().allocationBytes()).isGreaterThanOrEqualTo(baseline + 5L * CHUNK);
        assertThat(pool.usage().capacityBytes()).isEqualTo(256L << 20);
        pool.deleteVolume(ref("a"));
        pool.deleteVolume(ref("b"));
        assertThat(pool.usage().allocationBytes()).isEqualTo(baseline);
    }

    @Test
    void volumesAndBytesSurviveStoppingAndStartingThePool() {
        pool.createVolume("kept", 1L << 20, "raw");
        byte[] data = filled(100_000, (byte) 7);
        write("kept", 12_345, data);
        pool.close();
        pool = driver().start(pool.definition());
        assertThat(pool.scan().volumes()).extracting(StoredVolume::name).containsExactly("kept");
        assertThat(pool.scan().ignored()).isEmpty();
        assertThat(read("kept", 12_345, data.length)).isEqualTo(data);
    }

    @Test
    void aFullStoreAnswersInsufficientSpaceStaysConsistentAndWritesAgainOnceSpaceIsFreed() {
        PoolDefinition small = new PoolDefinition("small", UUID.randomUUID(), "chunk", tempDir.resolve("small"));
        driver().build(small, new BuildOptions(8L * CHUNK, CHUNK));
        ActivePool tiny = driver().start(small);
        try {
            tiny.createVolume("big", 64L * CHUNK, "raw");
            try (BlockDevice device = tiny.open(ref("big"), true)) {
                assertThatThrownBy(() -> device.write(0, ByteBuffer.wrap(filled(16 * CHUNK, (byte) 3))))
                        .isInstanceOf(CairnException.class)
                        .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
            }
            assertThat(tiny.scan().ignored()).as("the store checks clean after running full").isEmpty();
            tiny.deleteVolume(ref("big"));
            tiny.createVolume("after", 4L * CHUNK, "raw");
            try (BlockDevice device = tiny.open(ref("after"), true)) {
                device.write(0, ByteBuffer.wrap(filled(4 * CHUNK, (byte) 4)));
                device.flush();
            }
            assertThat(tiny.scan().ignored()).isEmpty();
        } finally {
            tiny.close();
        }
    }

    @Test
    void chunkSizesOutsideTheRangeAreRefusedWithoutLeavingAStore() {
        for (int size : new int[] {1024, 3 * 4096, 2 << 20}) {
            PoolDefinition definition = new PoolDefinition("bad" + size, UUID.randomUUID(), "chunk",
                    tempDir.resolve("bad" + size));
            assertThatThrownBy(() -> driver().build(definition, new BuildOptions(1L << 30, size)))
                    .isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(definition.path()).doesNotExist();
        }
    }

    @Test
    void startFreesADeviceThatNoVolumeOrSnapshotNamesAndKeepsTheNamedOnes() {
        pool.createVolume("named", 1L << 20, "raw");
        String before = pool.snapshots(ref("named")).createSnapshot(ref("named"), "before");
        pool.close();
        long unnamed;
        try (ChunkStore store = ChunkStore.open(pool.definition().path(), ChunkStoreOptions.withCapacity(0))) {
            unnamed = store.createDevice(4L * CHUNK);
        }
        pool = driver().start(pool.definition());
        assertThat(pool.scan().volumes()).extracting(StoredVolume::name).containsExactly("named");
        assertThat(pool.scan().ignored()).isEmpty();
        assertThat(pool.storedSnapshots(ref("named"))).extracting(StoredSnapshot::name, StoredSnapshot::engineRef)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("before", before));
        pool.close();
        try (ChunkStore store = ChunkStore.open(pool.definition().path(), ChunkStoreOptions.withCapacity(0))) {
            assertThat(store.deviceExists(unnamed)).isFalse();
        }
        pool = driver().start(pool.definition());
    }

    @Test
    void theCacheSizeComesFromASystemPropertyAndATinyCacheStillServes() {
        assertThat(ChunkPoolDriver.storeOptions(pool.definition()).nodeCacheBytes()).isEqualTo(64L << 20);
        pool.close();
        System.setProperty(ChunkPoolDriver.CACHE_BYTES_PROPERTY, "4096");
        try {
            assertThat(ChunkPoolDriver.storeOptions(pool.definition()).nodeCacheBytes()).isEqualTo(4096);
            pool = driver().start(pool.definition());
            for (int i = 0; i < 40; i++) {
                pool.createVolume("v" + i, 4L * CHUNK, "raw");
                write("v" + i, CHUNK, filled(CHUNK, (byte) i));
            }
            pool.close();
            pool = driver().start(pool.definition());
            for (int i = 0; i < 40; i++) {
                assertThat(read("v" + i, CHUNK, CHUNK)).isEqualTo(filled(CHUNK, (byte) i));
            }
            assertThat(pool.scan().ignored()).isEmpty();

            System.setProperty(ChunkPoolDriver.CACHE_BYTES_PROPERTY, "64MiB");
            assertThatThrownBy(() -> driver().start(pool.definition()))
                    .isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        } finally {
            System.clearProperty(ChunkPoolDriver.CACHE_BYTES_PROPERTY);
        }
    }

    private void write(String volume, long offset, byte[] data) {
        try (BlockDevice device = pool.open(ref(volume), true)) {
            device.write(offset, ByteBuffer.wrap(data));
            device.flush();
        }
    }

    private byte[] read(String volume, long offset, int length) {
        try (BlockDevice device = pool.open(ref(volume), false)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            device.read(offset, buffer);
            return buffer.array();
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
