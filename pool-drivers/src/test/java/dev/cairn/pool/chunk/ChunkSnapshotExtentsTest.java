package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.delta.DeltaExport;
import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaReader;
import dev.cairn.pool.delta.DeltaVisitor;
import dev.cairn.pool.delta.SnapshotIdentity;
import dev.cairn.pool.spi.ActivePool;
import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.Extent;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.VolumeRef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Changed extents between chunk-pool snapshots: exact when applied, and as small as what was written. */
class ChunkSnapshotExtentsTest {
    private static final int CHUNK = 64 * 1024;
    private static final long CAPACITY = 64L << 20;

    @TempDir
    Path tempDir;
    private ActivePool pool;
    private ChunkSnapshots snapshots;
    private final VolumeRef vol = new VolumeRef("vol", "raw");
    private final Random random = new Random(42);

    @BeforeEach
    void start() {
        PoolDefinition definition = new PoolDefinition("p", UUID.randomUUID(), "chunk", tempDir.resolve("p"));
        ChunkPoolDriver driver = new ChunkPoolDriver();
        driver.build(definition, new BuildOptions(512L << 20, CHUNK));
        pool = driver.start(definition);
        pool.createVolume("vol", CAPACITY, "raw");
        snapshots = (ChunkSnapshots) pool.snapshots(vol);
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    @Test
    void extentsBetweenSnapshotsReproduceTheTargetAndStayWithinWhatWasWritten() {
        randomWrites(40, 256 * 1024);
        writeAt(5L * CHUNK, filled(2 * CHUNK, (byte) 1));
        String a = snapshots.createSnapshot(vol, "a");
        long written = randomWrites(8, 80 * 1024);   // about 1% of 64 MiB, rounded out to chunks below
        writeAt(5L * CHUNK, new byte[2 * CHUNK]);     // whole chunks of zeroes unmap: ZERO extents
        written += 2L * CHUNK;
        String b = snapshots.createSnapshot(vol, "b");

        List<Extent> extents = extents(a, b);
        byte[] applied = apply(content(a), extents, b);
        assertThat(applied).isEqualTo(content(b));
        long dataBytes = extents.stream().filter(e -> e.kind() == Extent.Kind.DATA).mapToLong(Extent::lengthBytes).sum();
        assertThat(dataBytes).isPositive().isLessThanOrEqualTo(written);
        assertThat(dataBytes).isLessThan(CAPACITY / 50);
        assertThat(extents).anySatisfy(e -> assertThat(e.kind()).isEqualTo(Extent.Kind.ZERO));
        assertAscendingAndCoalesced(extents);
    }

    @Test
    void aFullImageReportsWhatTheTargetMapsAndTheHeadCanBeTheTarget() {
        randomWrites(20, 100 * 1024);
        String a = snapshots.createSnapshot(vol, "a");
        List<Extent> full = extents(null, a);
        assertThat(full).allSatisfy(e -> assertThat(e.kind()).isEqualTo(Extent.Kind.DATA));
        assertThat(apply(new byte[(int) CAPACITY], full, a)).isEqualTo(content(a));

        randomWrites(3, 10_000);
        List<Extent> toHead = new ArrayList<>();
        snapshots.changedExtents(vol, a, null, toHead::add);
        assertThat(toHead).isNotEmpty();
        assertThat(extents(a, a)).isEmpty();
    }

    @Test
    void aDeltaChainExportedFromSnapshotsRebuildsEachTargetByteForByte() throws Exception {
        randomWrites(30, 200 * 1024);
        String a = snapshots.createSnapshot(vol, "a");
        randomWrites(5, 50 * 1024);
        pool.resize(vol, CAPACITY + 3 * CHUNK + 512, false);
        writeAt(CAPACITY + CHUNK, filled(CHUNK, (byte) 9));
        String b = snapshots.createSnapshot(vol, "b");

        SnapshotIdentity idA = new SnapshotIdentity(UUID.randomUUID(), "a");
        SnapshotIdentity idB = new SnapshotIdentity(UUID.randomUUID(), "b");
        byte[] fullStream = export(null, a, DeltaHeader.full(CAPACITY, CHUNK, idA));
        byte[] incremental = export(a, b, DeltaHeader.incremental(CAPACITY + 3 * CHUNK + 512, CAPACITY, CHUNK, idA, idB));

        ByteModel replica = new ByteModel();
        assertThat(new DeltaReader(new ByteArrayInputStream(fullStream)).readAll(replica).target()).isEqualTo(idA);
        assertThat(replica.bytes).isEqualTo(content(a));
        new DeltaReader(new ByteArrayInputStream(incremental)).readAll(replica);
        assertThat(replica.bytes).isEqualTo(content(b));
        assertThat(incremental.length).isLessThan(fullStream.length / 4);
    }

    @Test
    void zeroingARangeUnmapsWholeChunksAndReportsThemAsZero() {
        writeAt(0, filled(4 * CHUNK, (byte) 4));
        String a = snapshots.createSnapshot(vol, "a");
        try (ChunkVolumeDevice device = (ChunkVolumeDevice) pool.open(vol, true)) {
            device.writeZeroes(CHUNK - 10, 2L * CHUNK + 20);
            device.flush();
        }
        String b = snapshots.createSnapshot(vol, "b");
        assertThat(extents(a, b)).containsExactly(new Extent(0, CHUNK, Extent.Kind.DATA),
                new Extent(CHUNK, 2L * CHUNK, Extent.Kind.ZERO), new Extent(3L * CHUNK, CHUNK, Extent.Kind.DATA));
        byte[] content = content(b);
        assertThat(content[CHUNK - 11]).isEqualTo((byte) 4);
        assertThat(Arrays.copyOfRange(content, CHUNK - 10, 3 * CHUNK + 10)).containsOnly(0);
        assertThat(content[3 * CHUNK + 10]).isEqualTo((byte) 4);
    }

    @Test
    void unknownSnapshotsAreNoSnapshot() {
        String a = snapshots.createSnapshot(vol, "a");
        assertThatThrownBy(() -> snapshots.changedExtents(vol, "999", a, e -> { }))
                .isInstanceOfSatisfying(CairnException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_SNAPSHOT));
    }

    private byte[] export(String from, String to, DeltaHeader header) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BlockDevice target = snapshots.openSnapshot(vol, to)) {
            DeltaExport export = DeltaExport.start(out, header, target);
            snapshots.changedExtents(vol, from, to, export);
            export.finish();
        }
        return out.toByteArray();
    }

    /** A volume held in memory, changed by a delta stream's records. */
    static final class ByteModel implements DeltaVisitor {
        byte[] bytes = new byte[0];

        @Override
        public void data(long offsetBytes, byte[] data) {
            System.arraycopy(data, 0, bytes, (int) offsetBytes, data.length);
        }

        @Override
        public void zero(long offsetBytes, long lengthBytes) {
            Arrays.fill(bytes, (int) offsetBytes, (int) (offsetBytes + lengthBytes), (byte) 0);
        }

        @Override
        public void resize(long capacityBytes) {
            bytes = Arrays.copyOf(bytes, (int) capacityBytes);
        }
    }

    private List<Extent> extents(String from, String to) {
        List<Extent> extents = new ArrayList<>();
        snapshots.changedExtents(vol, from, to, extents::add);
        return extents;
    }

    private byte[] apply(byte[] base, List<Extent> extents, String target) {
        byte[] result = base.clone();
        try (BlockDevice device = snapshots.openSnapshot(vol, target)) {
            for (Extent e : extents) {
                if (e.kind() == Extent.Kind.DATA) {
                    device.read(e.offsetBytes(), ByteBuffer.wrap(result, (int) e.offsetBytes(), (int) e.lengthBytes()));
                } else {
                    Arrays.fill(result, (int) e.offsetBytes(), (int) e.endBytes(), (byte) 0);
                }
            }
        }
        return result;
    }

    private byte[] content(String snapshot) {
        try (BlockDevice device = snapshots.openSnapshot(vol, snapshot)) {
            byte[] bytes = new byte[(int) device.capacityBytes()];
            device.read(0, ByteBuffer.wrap(bytes));
            return bytes;
        }
    }

    /** Writes {@code count} random runs; returns the bytes of the chunks they touch. */
    private long randomWrites(int count, int maxLength) {
        long touched = 0;
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(maxLength);
            long offset = (long) (random.nextDouble() * (CAPACITY - length));
            byte[] data = new byte[length];
            random.nextBytes(data);
            writeAt(offset, data);
            touched += ((offset + length + CHUNK - 1) / CHUNK - offset / CHUNK) * CHUNK;
        }
        return touched;
    }

    private void writeAt(long offset, byte[] data) {
        try (BlockDevice device = pool.open(vol, true)) {
            device.write(offset, ByteBuffer.wrap(data));
            device.flush();
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    static void assertAscendingAndCoalesced(List<Extent> extents) {
        for (int i = 1; i < extents.size(); i++) {
            Extent previous = extents.get(i - 1);
            Extent current = extents.get(i);
            assertThat(current.offsetBytes()).isGreaterThanOrEqualTo(previous.endBytes());
            if (current.offsetBytes() == previous.endBytes()) {
                assertThat(current.kind()).isNotEqualTo(previous.kind());
            }
        }
    }
}
