package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A convert's file-system help: holes of a large raw source found with {@code lseek(SEEK_DATA)}
 * ({@link DataExtents}) instead of read, and the output forced while it is written
 * ({@link WriteBehind}).
 */
class SparseSourceTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    /** Writes {@code data} at {@code offset} of {@code file}, which is extended (sparse) to {@code size}. */
    private static void writeAt(Path file, long size, long offset, byte[] data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
            if (channel.size() < size) {
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static boolean covers(List<long[]> ranges, long from, long to) {
        for (long at = from; at < to; at++) {
            boolean inside = false;
            for (long[] range : ranges) {
                inside |= range[0] <= at && at < range[1];
            }
            if (!inside) {
                return false;
            }
        }
        return true;
    }

    private static boolean touches(List<long[]> ranges, long from, long to) {
        return ranges.stream().anyMatch(range -> range[0] < to && from < range[1]);
    }

    @Test
    void extentsNameTheDataAndLeaveOutTheHoles() throws Exception {
        assertThat(DataExtents.available()).as("lseek(SEEK_DATA) through jffi on Linux")
                .isEqualTo(System.getProperty("os.name").equals("Linux"));
        Path file = dir.resolve("sparse.raw");
        long size = 96 * MIB;
        writeAt(file, size, 0, random(1 << 20, 1));
        writeAt(file, size, 40 * MIB, random(4096, 2));
        writeAt(file, size, 95 * MIB, random(1 << 20, 3));

        try (DataExtents extents = DataExtents.open(file, true)) {
            List<long[]> ranges = extents.dataRanges(0, size);
            assertThat(ranges).as("in order, not overlapping").isSortedAccordingTo((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < ranges.size(); i++) {
                assertThat(ranges.get(i)[0]).isGreaterThanOrEqualTo(ranges.get(i - 1)[1]);
            }
            assertThat(covers(ranges, 0, 4096)).isTrue();
            assertThat(covers(ranges, MIB - 4096, MIB)).isTrue();
            assertThat(covers(ranges, 40 * MIB, 40 * MIB + 4096)).isTrue();
            assertThat(covers(ranges, size - 4096, size)).isTrue();
            if (DataExtents.available()) {
                assertThat(touches(ranges, 8 * MIB, 32 * MIB)).as("a hole is not data").isFalse();
                assertThat(touches(ranges, 48 * MIB, 88 * MIB)).as("a hole is not data").isFalse();
            }
            assertThat(extents.dataRanges(40 * MIB + 1000, 40 * MIB + 2000)).as("clipped to the span asked for")
                    .containsExactly(new long[] {40 * MIB + 1000, 40 * MIB + 2000});
            if (DataExtents.available()) {
                assertThat(extents.dataRanges(10 * MIB, 20 * MIB)).as("a span inside a hole").isEmpty();
            }
        }
        try (DataExtents unwanted = DataExtents.open(file, false)) {
            assertThat(unwanted.dataRanges(0, size)).as("without extents everything is data")
                    .containsExactly(new long[] {0, size});
        }
    }

    @Test
    void aFileThatIsAllHoleHasNoData() throws Exception {
        Path file = dir.resolve("empty.raw");
        writeAt(file, 64 * MIB, 0, new byte[0]);
        try (DataExtents extents = DataExtents.open(file, true)) {
            if (DataExtents.available()) {
                assertThat(extents.dataRanges(0, 64 * MIB - 4096)).isEmpty();
            }
        }
    }

    /**
     * A raw source past {@link Qcow2Convert#HOLE_SKIP_MIN_BYTES}, so its holes come from the file
     * system: data at the start, across a 16 MiB window boundary, inside one cluster, written
     * zeroes (data to the file system, a hole to qcow2) and one byte at the very end.
     */
    @Test
    void aLargeSparseSourceConvertsLikeQemuWithOnlyItsNonZeroClustersAllocated() throws Exception {
        long size = Qcow2Convert.HOLE_SKIP_MIN_BYTES + 64 * MIB;
        int clusterSize = 64 << 10;
        Path raw = dir.resolve("large.raw");
        long[][] pieces = {{0, 100_000}, {16 * MIB - 3000, 8000}, {100 * MIB + 70_000, 100}, {size - 1, 1}};
        TreeSet<Long> clusters = new TreeSet<>();
        for (long[] piece : pieces) {
            writeAt(raw, size, piece[0], random((int) piece[1], piece[0]));
            for (long at = piece[0] / clusterSize; at <= (piece[0] + piece[1] - 1) / clusterSize; at++) {
                clusters.add(at);
            }
        }
        writeAt(raw, size, 200 * MIB, new byte[1 << 20]);

        Path qcow2 = dir.resolve("large.qcow2");
        Qcow2Convert.rawToQcow2(raw, qcow2, Qcow2CreateOptions.ofCapacity(0));

        QemuTool.checkClean(qcow2);
        QemuTool.img("compare", "-f", "raw", "-F", "qcow2", raw.toString(), qcow2.toString()).ok();
        assertThat(allocatedBytes(qcow2)).as("exactly the clusters holding non-zero bytes")
                .isEqualTo(clusters.size() * (long) clusterSize);
    }

    @Test
    void theOutputIsForcedWhileTheCopyGoesOn() throws Exception {
        CountDownLatch forced = new CountDownLatch(1);
        try (WriteBehind writeBehind = WriteBehind.start(true, forced::countDown)) {
            writeBehind.written(WriteBehind.STEP_BYTES - 1);
            writeBehind.written(1);
            assertThat(forced.await(10, TimeUnit.SECONDS)).as("a force once a step's worth is written").isTrue();
            writeBehind.finish();
        }
    }

    @Test
    void aFailedForceIsThrownAtTheEnd() throws Exception {
        CountDownLatch tried = new CountDownLatch(1);
        WriteBehind writeBehind = WriteBehind.start(true, () -> {
            tried.countDown();
            throw new IOException("EIO from fdatasync");
        });
        writeBehind.written(WriteBehind.STEP_BYTES);
        assertThat(tried.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(writeBehind::finish).isInstanceOf(IOException.class).hasMessage("EIO from fdatasync");
    }

    @Test
    void anUnflushedOutputIsNeverForced() throws Exception {
        AtomicInteger forces = new AtomicInteger();
        try (WriteBehind writeBehind = WriteBehind.start(false, forces::incrementAndGet)) {
            writeBehind.written(10 * WriteBehind.STEP_BYTES);
            writeBehind.finish();
        }
        assertThat(forces).hasValue(0);
    }

    /** Bytes {@code qemu-img map} reports as the image's own data. */
    private static long allocatedBytes(Path qcow2) {
        String json = QemuTool.img("map", "--output=json", qcow2.toString()).ok().stdout();
        Matcher matcher = Pattern.compile("\"length\": (\\d+),[^}]*\"data\": true").matcher(json);
        List<Long> lengths = new ArrayList<>();
        while (matcher.find()) {
            lengths.add(Long.parseLong(matcher.group(1)));
        }
        return lengths.stream().mapToLong(Long::longValue).sum();
    }
}
