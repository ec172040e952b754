package dev.cairn.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link PoolDriver} promises, run by each driver's test (as Lucene runs one Directory suite
 * against every Directory).
 */
public abstract class PoolDriverContract {
    @TempDir
    protected Path tempDir;
    protected ActivePool pool;

    /** The driver under test. */
    protected abstract PoolDriver driver();

    /** How the pool under test is built. */
    protected BuildOptions buildOptions() {
        return BuildOptions.DEFAULTS;
    }

    @org.junit.jupiter.api.AfterEach
    void stopPool() {
        pool.close();
    }

    /** A volume format the driver's pools hold. */
    protected String format() {
        return VolumeFormats.RAW;
    }

    @BeforeEach
    void startPool() {
        PoolDefinition definition = new PoolDefinition("contract", UUID.randomUUID(), driver().type(),
                tempDir.resolve("pool"));
        driver().build(definition, buildOptions());
        pool = driver().start(definition);
    }

    @Test
    void newVolumeReadsAsZeroesAtItsCapacity() {
        StoredVolume created = pool.createVolume("zeroes", 1 << 20, format());
        assertThat(created.capacityBytes()).isEqualTo(1 << 20);
        try (BlockDevice device = pool.open(ref("zeroes"), false)) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            device.read((1 << 20) - 4096, buffer);
            assertThat(buffer.array()).isEqualTo(new byte[4096]);
        }
    }

    @Test
    void writtenBytesReadBackAfterReopening() {
        pool.createVolume("data", 8 << 20, format());
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        try (BlockDevice device = pool.open(ref("data"), true)) {
            device.write(1_000_001, ByteBuffer.wrap(data));
            device.flush();
        }
        try (BlockDevice device = pool.open(ref("data"), false)) {
            ByteBuffer back = ByteBuffer.allocate(data.length);
            device.read(1_000_001, back);
            assertThat(back.array()).isEqualTo(data);
        }
    }

    @Test
    void rangesOutsideTheDeviceAreRefused() {
        pool.createVolume("bounded", 4096, format());
        try (BlockDevice device = pool.open(ref("bounded"), true)) {
            assertThatThrownBy(() -> device.write(4000, ByteBuffer.allocate(100)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> device.read(-1, ByteBuffer.allocate(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aTakenNameIsRefusedAndTheExistingVolumeKept() {
        pool.createVolume("once", 4096, format());
        assertThatThrownBy(() -> pool.createVolume("once", 8192, format()))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.NAME_TAKEN);
        assertThat(pool.describe(ref("once")).capacityBytes()).isEqualTo(4096);
    }

    @Test
    void unknownFormatIsAnInvalidArgumentAndLeavesNothing() {
        assertThatThrownBy(() -> pool.createVolume("odd", 4096, "vmdk"))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(pool.scan().volumes()).isEmpty();
    }

    @Test
    void resizeGrowsWithZeroesAndShrinksOnlyWhenAllowed() {
        pool.createVolume("grow", 4096, format());
        assertThat(pool.resize(ref("grow"), 8192, false).capacityBytes()).isEqualTo(8192);
        assertThatThrownBy(() -> pool.resize(ref("grow"), 1024, false))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.OPERATION_INVALID);
        assertThat(pool.resize(ref("grow"), 2048, true).capacityBytes()).isEqualTo(2048);
    }

    @Test
    void scanListsVolumesAndDeleteRemovesThem() {
        pool.createVolume("b", 4096, format());
        pool.createVolume("a", 4096, format());
        assertThat(pool.scan().volumes()).extracting(StoredVolume::name).containsExactly("a", "b");
        pool.deleteVolume(ref("a"));
        pool.deleteVolume(ref("a"));
        assertThat(pool.scan().volumes()).extracting(StoredVolume::name).containsExactly("b");
        assertThatThrownBy(() -> pool.describe(ref("a")))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.NO_STORAGE_VOL);
    }

    @Test
    void usageIsConsistent() {
        PoolUsage usage = pool.usage();
        assertThat(usage.capacityBytes()).isPositive();
        assertThat(usage.allocationBytes()).isBetween(0L, usage.capacityBytes());
        assertThat(usage.availableBytes()).isBetween(0L, usage.capacityBytes());
    }

    protected VolumeRef ref(String name) {
        return new VolumeRef(name, format());
    }
}
