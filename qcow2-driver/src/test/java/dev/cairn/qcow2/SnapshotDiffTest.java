package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changed ranges between internal snapshots, from the L1/L2 mappings alone: applied to the base they give
 * the target exactly, and a small change reports a small range.
 */
class SnapshotDiffTest {
    private static final long CAPACITY = 32L << 20;
    private static final int CLUSTER = 65536;

    @TempDir
    Path dir;
    private final Random random = new Random(11);

    record Range(long offset, long length, boolean zero) {
    }

    @Test
    void rangesBetweenSnapshotsReproduceTheTargetAndStayWithinWhatWasWritten() throws IOException {
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("a.qcow2"), Qcow2CreateOptions.ofCapacity(CAPACITY))) {
            randomWrites(image, 30, 300_000);
            image.write(3L * CLUSTER, filled(2 * CLUSTER, 5), 0, 2 * CLUSTER);
            image.writeCompressed(20L * CLUSTER, filled(CLUSTER, 6), 0, CLUSTER);
            image.createSnapshot("", "base");
            long written = randomWrites(image, 6, 50_000);
            image.writeZeroes(3L * CLUSTER, 2L * CLUSTER);
            image.write(20L * CLUSTER + 100, filled(10, 7), 0, 10);
            written += 3L * CLUSTER;
            image.createSnapshot("", "target");

            List<Range> ranges = ranges(image, "base", "target");
            assertThat(apply(content(image, "base"), ranges, image, "target")).isEqualTo(content(image, "target"));
            long dataBytes = ranges.stream().filter(r -> !r.zero()).mapToLong(Range::length).sum();
            assertThat(dataBytes).isPositive().isLessThanOrEqualTo(written);
            assertThat(dataBytes).isLessThan(CAPACITY / 50);
            assertThat(ranges).contains(new Range(3L * CLUSTER, 2L * CLUSTER, true));
            assertAscendingAndCoalesced(ranges);
            assertThat(ranges(image, "target", "target")).isEmpty();
        }
    }

    @Test
    void aFullImageAndTheActiveStateAsTarget() throws IOException {
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("f.qcow2"), Qcow2CreateOptions.ofCapacity(CAPACITY))) {
            randomWrites(image, 10, 200_000);
            image.createSnapshot("", "s");
            List<Range> full = ranges(image, null, "s");
            assertThat(full).allSatisfy(r -> assertThat(r.zero()).isFalse());
            assertThat(apply(new byte[(int) CAPACITY], full, image, "s")).isEqualTo(content(image, "s"));

            image.write(CLUSTER, filled(100, 1), 0, 100);
            image.resize(CAPACITY + 1000 * 512);
            image.write(CAPACITY + 512, filled(512, 2), 0, 512);
            List<Range> toActive = new ArrayList<>();
            image.changedRanges("s", null, (o, l, z) -> toActive.add(new Range(o, l, z)));
            assertThat(toActive).containsExactly(new Range(CLUSTER, CLUSTER, false),
                    new Range(CAPACITY, CLUSTER, false));
        }
    }

    @Test
    void aBackingFileShowsThroughUnallocatedClustersOfAFullImage() throws IOException {
        Path base = dir.resolve("base.qcow2");
        try (Qcow2Image image = Qcow2Image.create(base, Qcow2CreateOptions.ofCapacity(4L << 20))) {
            image.write(0, filled(4096, 3), 0, 4096);
        }
        Path overlay = dir.resolve("overlay.qcow2");
        try (Qcow2Image image = Qcow2Image.create(overlay, Qcow2CreateOptions.ofCapacity(0)
                .withBacking("base.qcow2", "qcow2"))) {
            image.writeZeroes(CLUSTER, CLUSTER);
            image.createSnapshot("", "s");
            List<Range> full = ranges(image, null, "s");
            assertThat(full).containsExactly(new Range(0, CLUSTER, false), new Range(2L * CLUSTER, (4L << 20) - 2 * CLUSTER, false));
        }
    }

    @Test
    void largeUnwrittenImagesCostOnlyTheirL1() throws IOException {
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("big.qcow2"), Qcow2CreateOptions.ofCapacity(1L << 40))) {
            image.write(700L << 30, filled(10, 1), 0, 10);
            image.createSnapshot("", "a");
            image.write(900L << 30, filled(10, 1), 0, 10);
            image.createSnapshot("", "b");
            long started = System.nanoTime();
            assertThat(ranges(image, "a", "b")).containsExactly(new Range(900L << 30, CLUSTER, false));
            assertThat(ranges(image, null, "b")).hasSize(2);
            assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
        }
    }

    @Test
    void unknownSnapshotsAreNotFound() throws IOException {
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("n.qcow2"), Qcow2CreateOptions.ofCapacity(CAPACITY))) {
            assertThatThrownBy(() -> ranges(image, "nope", null)).isInstanceOf(Qcow2NotFoundException.class);
        }
    }

    @Test
    void identitiesCarryTheCreationTimeAndTheName() {
        Instant at = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        java.util.UUID id = Qcow2Identity.of("snap", at);
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(Qcow2Identity.createdAt(id, "snap")).contains(at);
        assertThat(Qcow2Identity.createdAt(id, "other")).isEmpty();
        assertThat(Qcow2Identity.createdAt(java.util.UUID.randomUUID(), "snap")).isEmpty();
        assertThat(Qcow2Identity.of("snap", at.plusNanos(1))).isNotEqualTo(id);
    }

    static List<Range> ranges(Qcow2Image image, String from, String to) throws IOException {
        List<Range> ranges = new ArrayList<>();
        image.changedRanges(from, to, (o, l, z) -> ranges.add(new Range(o, l, z)));
        return ranges;
    }

    private static byte[] apply(byte[] base, List<Range> ranges, Qcow2Image image, String target) throws IOException {
        SnapshotReader reader = image.snapshotReader(target);
        byte[] result = Arrays.copyOf(base, (int) reader.capacityBytes());
        for (Range r : ranges) {
            if (r.zero()) {
                Arrays.fill(result, (int) r.offset(), (int) (r.offset() + r.length()), (byte) 0);
            } else {
                reader.read(r.offset(), result, (int) r.offset(), (int) r.length());
            }
        }
        return result;
    }

    private static byte[] content(Qcow2Image image, String snapshot) throws IOException {
        SnapshotReader reader = image.snapshotReader(snapshot);
        byte[] bytes = new byte[(int) reader.capacityBytes()];
        reader.read(0, bytes, 0, bytes.length);
        return bytes;
    }

    /** Random writes; returns the bytes of the clusters they touch. */
    private long randomWrites(Qcow2Image image, int count, int maxLength) throws IOException {
        long touched = 0;
        for (int i = 0; i < count; i++) {
            int length = 1 + random.nextInt(maxLength);
            long offset = (long) (random.nextDouble() * (CAPACITY - length));
            byte[] data = new byte[length];
            random.nextBytes(data);
            image.write(offset, data, 0, length);
            touched += ((offset + length + CLUSTER - 1) / CLUSTER - offset / CLUSTER) * CLUSTER;
        }
        return touched;
    }

    private static byte[] filled(int length, int value) {
        return String.valueOf((char) value).repeat(length).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static void assertAscendingAndCoalesced(List<Range> ranges) {
        for (int i = 1; i < ranges.size(); i++) {
            Range previous = ranges.get(i - 1);
            Range current = ranges.get(i);
            assertThat(current.offset()).isGreaterThanOrEqualTo(previous.offset() + previous.length());
            if (current.offset() == previous.offset() + previous.length()) {
                assertThat(current.zero()).isNotEqualTo(previous.zero());
            }
        }
    }
}
