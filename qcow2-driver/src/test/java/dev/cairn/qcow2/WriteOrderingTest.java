package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WriteOrdering#DEFERRED_TO_CLOSE} (a convert's target) skips every barrier and writes L2
 * tables and refcount blocks back only when evicted or at close; the image must still be exact,
 * also when both caches overflow. {@link WriteOrdering#ORDERED} keeps its barriers.
 */
class WriteOrderingTest {

    @TempDir
    Path dir;

    @AfterEach
    void removeInterceptor() {
        HostFile.interceptor = null;
    }

    private static AtomicInteger countBarriers() {
        AtomicInteger barriers = new AtomicInteger();
        HostFile.interceptor = new HostFile.WriteInterceptor() {
            @Override
            public void beforeWrite(HostFile file, long hostOffset, byte[] buf, int off, int length) {
            }

            @Override
            public void afterBarrier(HostFile file) {
                barriers.incrementAndGet();
            }
        };
        return barriers;
    }

    /** Writes one 512-byte cluster every 32 KiB: each needs its own L2 table (512-byte clusters). */
    private static void scatter(Qcow2Image image, FileChannel raw, int count) throws IOException {
        byte[] cluster = new byte[512];
        for (int i = 0; i < count; i++) {
            java.util.Arrays.fill(cluster, (byte) (1 + i % 251));
            long offset = (long) i * 32 * 1024 + 512L * (i % 64);
            image.write(offset, cluster, 0, cluster.length);
            if (raw != null) {
                raw.write(ByteBuffer.wrap(cluster), offset);
            }
        }
    }

    @Test
    void deferredImageForcesOnceAndIsExactAfterItsCachesOverflow() throws Exception {
        Path image = dir.resolve("deferred.qcow2");
        Path raw = dir.resolve("expected.raw");
        // 17,000 L2 tables exceed the 16,384 the 8 MiB L2 cache holds at 512-byte clusters, and
        // 34,000 clusters need some 130 refcount blocks where the cache keeps 64.
        int count = 17_000;
        long capacity = (long) count * 32 * 1024;
        AtomicInteger barriers = countBarriers();
        try (FileChannel expected = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                Qcow2Image qcow2 = Qcow2Image.create(image,
                        Qcow2CreateOptions.ofCapacity(capacity).withClusterBits(9), WriteOrdering.DEFERRED_TO_CLOSE)) {
            expected.truncate(capacity);
            scatter(qcow2, expected, count);
            assertThat(barriers.get()).as("no barrier before close").isZero();
        }
        assertThat(barriers.get()).as("one force at close").isEqualTo(1);
        HostFile.interceptor = null;
        QemuTool.checkClean(image);
        QemuTool.img("compare", "-f", "qcow2", "-F", "raw", image.toString(), raw.toString()).ok();
    }

    @Test
    void orderedImageKeepsItsBarriers() throws Exception {
        Path image = dir.resolve("ordered.qcow2");
        try (Qcow2Image qcow2 = Qcow2Image.create(image, Qcow2CreateOptions.ofCapacity(64L << 20).withClusterBits(9))) {
            AtomicInteger barriers = countBarriers();
            scatter(qcow2, null, 8);
            // Each first write into a new L2 table: table durable before L1, data and refcount
            // durable before the L2 entry.
            assertThat(barriers.get()).isGreaterThanOrEqualTo(16);
        }
        HostFile.interceptor = null;
        QemuTool.checkClean(image);
    }

    @Test
    void unsyncedImageIsNeverForcedYetComplete() throws Exception {
        Path image = dir.resolve("unsynced.qcow2");
        AtomicInteger barriers = countBarriers();
        try (Qcow2Image qcow2 = Qcow2Image.create(image, Qcow2CreateOptions.ofCapacity(64L << 20).withClusterBits(9),
                WriteOrdering.UNSYNCED)) {
            scatter(qcow2, null, 100);
        }
        assertThat(barriers.get()).as("no force, not even at close").isZero();
        HostFile.interceptor = null;
        QemuTool.checkClean(image);
        QemuTool.io(image, "read -P 1 0 512", "read -P 100 " + (99L * 32 * 1024 + 512L * 35) + " 512").ok();
    }
}
