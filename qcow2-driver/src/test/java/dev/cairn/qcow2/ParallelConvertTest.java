package dev.cairn.qcow2;

import static dev.cairn.qcow2.ReadWriteInteropTest.assertQemuSeesContent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The conversions' mapped, two-thread paths ({@link WindowedCopy}): content over several windows,
 * zero data (not only holes) left unallocated, tails shorter than a cluster, host layout in guest
 * order, images with compressed clusters, backing files and a last cluster past the end of the
 * file, and failures that stop both threads.
 */
class ParallelConvertTest {

    @TempDir
    Path dir;

    /** 40 MiB + 1,000 bytes: several 16 MiB windows; regions of data, written zeroes, holes. */
    private static byte[] mixedContent(long seed) {
        byte[] content = new byte[(40 << 20) + 1000];
        Random random = new Random(seed);
        for (int at = 0; at < content.length; at += 256 << 10) {
            int kind = random.nextInt(3);
            if (kind == 0) {
                byte[] chunk = new byte[Math.min(256 << 10, content.length - at)];
                random.nextBytes(chunk);
                System.arraycopy(chunk, 0, content, at, chunk.length);
            }
        }
        content[content.length - 1] = 9;
        return content;
    }

    @ParameterizedTest(name = "cluster_bits={0}")
    @ValueSource(ints = {9, 16, 21})
    void rawToQcow2OverManyWindowsMatchesQemuAndKeepsGuestOrder(int clusterBits) throws Exception {
        byte[] content = mixedContent(clusterBits);
        Path raw = dir.resolve("in.raw");
        Files.write(raw, content);
        Path qcow2 = dir.resolve("out.qcow2");
        Qcow2Convert.rawToQcow2(raw, qcow2, Qcow2CreateOptions.ofCapacity(0).withClusterBits(clusterBits));

        assertQemuSeesContent(qcow2, Arrays.copyOf(content, (content.length + 511) / 512 * 512), dir);
        List<long[]> data = dataExtents(qcow2);
        List<long[]> sorted = new ArrayList<>(data);
        sorted.sort((a, b) -> Long.compare(a[1], b[1]));
        assertThat(sorted).as("host offsets follow guest offsets").isEqualTo(data);
        long mappedBytes = data.stream().mapToLong(extent -> extent[2]).sum();
        assertThat(mappedBytes).as("only non-zero clusters are allocated")
                .isEqualTo(nonZeroClusterBytes(content, 1 << clusterBits));
    }

    @Test
    void qcow2ToRawReadsCompressedZeroBackingAndShortClustersLikeQemu() throws Exception {
        byte[] base = mixedContent(5);
        Path baseRaw = dir.resolve("base.raw");
        Files.write(baseRaw, base);
        Path backing = dir.resolve("backing.qcow2");
        QemuTool.img("convert", "-c", "-f", "raw", "-O", "qcow2", baseRaw.toString(), backing.toString()).ok();
        Path top = dir.resolve("top.qcow2");
        QemuTool.img("create", "-f", "qcow2", "-b", "backing.qcow2", "-F", "qcow2", top.toString(),
                String.valueOf(base.length + (1 << 20))).ok();
        QemuTool.io(top, "write -P 0x5a 0 5M", "write -z 8M 2M", "discard 12M 1M", "write -P 0x11 30M 64k",
                "write -P 0x22 " + (base.length + 900_000) + " 1000").ok();

        Path ours = dir.resolve("ours.raw");
        Qcow2Convert.toRaw(top, ours);
        byte[] expected = QemuTool.toRaw(top, dir.resolve("theirs.raw"));
        assertThat(Files.size(ours)).isEqualTo(expected.length);
        assertThat(Files.readAllBytes(ours)).isEqualTo(expected);
    }

    @Test
    void aFailingPlanStopsTheCopyAndIsThrown() {
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> WindowedCopy.run(100, new CountingSteps(written) {
            @Override
            public Long prepare(long window) throws IOException {
                if (window == 7) {
                    throw new IOException("prepare broke");
                }
                return window;
            }
        })).isInstanceOf(IOException.class).hasMessage("prepare broke");
        assertThat(written).doesNotContain(7L).allMatch(window -> window < 7);
    }

    @Test
    @Timeout(10)
    void aFailingTransferStopsTheCopyAndIsThrown() {
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        assertThatThrownBy(() -> WindowedCopy.run(1_000_000, new CountingSteps(written) {
            @Override
            public void transfer(Long plan) throws IOException {
                if (plan == 3) {
                    throw new IOException("disk full");
                }
                super.transfer(plan);
            }
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(written.size()).isLessThan(1_000_000);
    }

    @Test
    void everyWindowIsTransferredOnceAfterItsOrderedStepInWindowOrder() throws Exception {
        List<Long> written = Collections.synchronizedList(new ArrayList<>());
        CountingSteps steps = new CountingSteps(written);
        WindowedCopy.run(500, steps);
        assertThat(steps.ordered).hasSize(500).isSorted().doesNotHaveDuplicates();
        Collections.sort(written);
        assertThat(written).isEqualTo(steps.ordered);
    }

    @Test
    void clustersAreMappedAheadOfTheirDataOnlyInANewImage() throws Exception {
        Path file = dir.resolve("ordered.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            assertThatThrownBy(() -> image.mapNewClusters(0, 1)).isInstanceOf(IllegalStateException.class);
        }
        try (Qcow2Image image = Qcow2Image.create(dir.resolve("new.qcow2"), Qcow2CreateOptions.ofCapacity(1 << 20),
                WriteOrdering.DEFERRED_TO_CLOSE)) {
            image.write(0, new byte[] {1}, 0, 1);
            assertThatThrownBy(() -> image.mapNewClusters(0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already holds data");
        }
    }

    private static class CountingSteps implements WindowedCopy.Steps<Long> {
        private final List<Long> written;
        /** Windows as the ordered step saw them; it runs one at a time. */
        final List<Long> ordered = new ArrayList<>();

        CountingSteps(List<Long> written) {
            this.written = written;
        }

        @Override
        public Long prepare(long window) throws IOException {
            return window;
        }

        @Override
        public void inOrder(long window, Long plan) {
            ordered.add(window);
        }

        @Override
        public void transfer(Long plan) throws IOException {
            written.add(plan);
        }
    }

    /** Guest bytes of the clusters holding a non-zero byte, within the virtual size (rounded to 512). */
    private static long nonZeroClusterBytes(byte[] content, int clusterSize) {
        long virtualSize = (content.length + 511L) / 512 * 512;
        long bytes = 0;
        for (int at = 0; at < content.length; at += clusterSize) {
            int end = Math.min(content.length, at + clusterSize);
            for (int i = at; i < end; i++) {
                if (content[i] != 0) {
                    bytes += Math.min(clusterSize, virtualSize - at);
                    break;
                }
            }
        }
        return bytes;
    }

    /** {@code qemu-img map}'s data extents as {guest start, host offset, length}, in guest order. */
    private static List<long[]> dataExtents(Path qcow2) {
        String json = QemuTool.img("map", "--output=json", qcow2.toString()).ok().stdout();
        Matcher matcher = Pattern.compile("\"start\": (\\d+), \"length\": (\\d+),[^}]*\"data\": true,[^}]*\"offset\": (\\d+)")
                .matcher(json);
        List<long[]> extents = new ArrayList<>();
        while (matcher.find()) {
            extents.add(new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(3)),
                Long.parseLong(matcher.group(2))});
        }
        return extents;
    }
}
