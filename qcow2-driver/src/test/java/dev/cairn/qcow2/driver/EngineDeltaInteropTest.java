package dev.cairn.qcow2.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.pool.chunk.ChunkPoolDriver;
import dev.cairn.pool.delta.DeltaExport;
import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaReader;
import dev.cairn.pool.delta.DeltaVisitor;
import dev.cairn.pool.delta.SnapshotIdentity;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.SnapshotEngine;
import dev.cairn.pool.spi.VolumeRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine half of "deltas move between engines": a chain exported from qcow2 snapshots through
 * {@link Qcow2Format#changedExtents} applies to a chunk-pool volume, whose snapshots then hold the same bytes.
 */
class EngineDeltaInteropTest {
    private static final long CAPACITY = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void aQcow2DeltaChainAppliesToAChunkVolumeByteForByte() throws Exception {
        Qcow2Format qcow2 = new Qcow2Format();
        Path image = dir.resolve("source.qcow2");
        qcow2.create(image, CAPACITY);
        Random random = new Random(3);
        writeRandom(qcow2, image, random, 0, 3 << 20);
        String a = qcow2.createSnapshot(image, "a");
        writeRandom(qcow2, image, random, 5L << 20, 100_000);
        try (BlockDevice device = qcow2.open(image, true)) {
            device.write(0, ByteBuffer.allocate(256 * 1024));
            device.flush();
        }
        String b = qcow2.createSnapshot(image, "b");

        SnapshotIdentity idA = new SnapshotIdentity(UUID.randomUUID(), "a");
        SnapshotIdentity idB = new SnapshotIdentity(UUID.randomUUID(), "b");
        byte[] full = export(qcow2, image, null, a, DeltaHeader.full(CAPACITY, 65536, idA));
        byte[] incremental = export(qcow2, image, a, b, DeltaHeader.incremental(CAPACITY, CAPACITY, 65536, idA, idB));
        assertThat(incremental.length).isLessThan(200_000);

        PoolDefinition definition = new PoolDefinition("c", UUID.randomUUID(), "chunk", dir.resolve("chunk"));
        ChunkPoolDriver driver = new ChunkPoolDriver();
        driver.build(definition, new BuildOptions(64L << 20, 65536));
        ActivePool pool = driver.start(definition);
        try {
            VolumeRef volume = new VolumeRef("replica", "raw");
            pool.createVolume("replica", CAPACITY, "raw");
            SnapshotEngine snapshots = pool.snapshots(volume);
            applyVerified(pool, volume, full);
            String replicaA = snapshots.createSnapshot(volume, "a");
            applyVerified(pool, volume, incremental);
            String replicaB = snapshots.createSnapshot(volume, "b");

            assertThat(content(snapshots.openSnapshot(volume, replicaA))).isEqualTo(content(qcow2.openSnapshot(image, a)));
            assertThat(content(snapshots.openSnapshot(volume, replicaB))).isEqualTo(content(qcow2.openSnapshot(image, b)));
        } finally {
            pool.close();
        }
    }

    private static byte[] export(Qcow2Format qcow2, Path image, String from, String to, DeltaHeader header)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BlockDevice target = qcow2.openSnapshot(image, to)) {
            DeltaExport export = DeltaExport.start(out, header, target);
            qcow2.changedExtents(image, from, to, export);
            export.finish();
        }
        return out.toByteArray();
    }

    /** Verifies the whole stream, then replays it into the volume (what a staging applier does). */
    private static void applyVerified(ActivePool pool, VolumeRef volume, byte[] stream) throws Exception {
        DeltaReader.verify(new ByteArrayInputStream(stream));
        try (BlockDevice device = pool.open(volume, true)) {
            new DeltaReader(new ByteArrayInputStream(stream)).readAll(new DeltaVisitor() {
                @Override
                public void data(long offsetBytes, byte[] bytes) {
                    device.write(offsetBytes, ByteBuffer.wrap(bytes));
                }

                @Override
                public void zero(long offsetBytes, long lengthBytes) {
                    device.write(offsetBytes, ByteBuffer.allocate((int) lengthBytes));
                }

                @Override
                public void resize(long capacityBytes) {
                    assertThat(capacityBytes).isEqualTo(device.capacityBytes());
                }
            });
            device.flush();
        }
    }

    private static void writeRandom(Qcow2Format qcow2, Path image, Random random, long offset, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        try (BlockDevice device = qcow2.open(image, true)) {
            device.write(offset, ByteBuffer.wrap(bytes));
            device.flush();
        }
    }

    private static byte[] content(BlockDevice device) {
        try (device) {
            byte[] bytes = new byte[(int) device.capacityBytes()];
            device.read(0, ByteBuffer.wrap(bytes));
            return bytes;
        }
    }
}
