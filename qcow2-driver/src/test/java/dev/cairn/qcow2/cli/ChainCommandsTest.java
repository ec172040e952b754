package dev.cairn.qcow2.cli;

import static dev.cairn.qcow2.QemuTool.img;
import static dev.cairn.qcow2.cli.CliRun.cairnImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.qcow2.QemuTool;
import dev.cairn.qcow2.cli.CliRun.Run;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn-img commit, rebase, compare, map} against what qemu-img 7.2 itself does: each command
 * runs on one copy of a chain qemu-img and qemu-io built, qemu-img's own command on another, and the
 * results must check clean and compare equal (or print the same thing).
 */
class ChainCommandsTest {

    @TempDir
    Path dir;
    private Path qemuSide;
    private Path cairnSide;

    /**
     * base (4 MiB) <- mid <- top, relative backing names, with data, zeroed (plain and allocated),
     * compressed and unallocated clusters at each level, one cluster overwritten partially.
     */
    @BeforeEach
    void buildChains() throws Exception {
        Path origin = Files.createDirectory(dir.resolve("origin"));
        Path base = origin.resolve("base.qcow2");
        img("create", "-f", "qcow2", base.toString(), "4M").ok();
        QemuTool.io(base, "write -P 1 0 192k", "write -z 128k 64k", "write -z 256k 64k", "write -P 2 1M 128k",
                "write -P 9 3M 64k").ok();
        Path mid = origin.resolve("mid.qcow2");
        img("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", mid.toString()).ok();
        QemuTool.io(mid, "write -P 3 64k 64k", "write -z 1M 64k", "write -c -P 4 2M 64k", "write -c -P 8 2560k 64k",
                "write -P 5 3M 4k").ok();
        Path top = origin.resolve("top.qcow2");
        img("create", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", top.toString()).ok();
        QemuTool.io(top, "write -P 6 128k 64k", "write -z 0 64k", "write -P 7 2M 4k", "write -z 3M 64k").ok();
        qemuSide = copy(origin, "qemu");
        cairnSide = copy(origin, "cairn");
    }

    private Path copy(Path from, String name) throws Exception {
        Path to = Files.createDirectory(dir.resolve(name));
        for (String file : new String[] {"base.qcow2", "mid.qcow2", "top.qcow2"}) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
        return to;
    }

    private static String path(Path directory, String file) {
        return directory.resolve(file).toString();
    }

    /** Every image of both sides checks clean and each reads equal to its counterpart. */
    private void assertSidesEqual(String... files) throws Exception {
        for (String file : files) {
            img("check", path(cairnSide, file)).ok();
            QemuTool.Result compare = img("compare", path(qemuSide, file), path(cairnSide, file));
            assertThat(compare.exitCode()).as(file + ": " + compare.stdout()).isZero();
        }
    }

    @Test
    void commitLeavesWhatQemuImgCommitLeaves() throws Exception {
        img("commit", path(qemuSide, "top.qcow2")).ok();
        Run run = cairnImg("commit", path(cairnSide, "top.qcow2")).ok();
        assertThat(run.out()).isEqualTo("Image committed.\n");
        assertSidesEqual("top.qcow2", "mid.qcow2", "base.qcow2");
        // Both emptied the overlay: it holds nothing of its own any more.
        assertThat(cairnImg("map", "--output=json", path(cairnSide, "top.qcow2")).ok().out())
                .doesNotContain("\"depth\": 0");
    }

    @Test
    void safeRebaseOntoTheBaseKeepsContentAsQemuImgDoes() throws Exception {
        img("rebase", "-b", "base.qcow2", "-F", "qcow2", path(qemuSide, "top.qcow2")).ok();
        cairnImg("rebase", "-b", "base.qcow2", "-F", "qcow2", path(cairnSide, "top.qcow2")).ok();
        assertSidesEqual("top.qcow2");
        assertThat(img("info", path(cairnSide, "top.qcow2")).stdout()).contains("backing file: base.qcow2")
                .contains("backing file format: qcow2");
    }

    @Test
    void rebaseOntoNothingFlattensAsQemuImgDoes() throws Exception {
        img("rebase", "-b", "", path(qemuSide, "top.qcow2")).ok();
        cairnImg("rebase", "-b", "", path(cairnSide, "top.qcow2")).ok();
        assertSidesEqual("top.qcow2");
        assertThat(img("info", path(cairnSide, "top.qcow2")).stdout()).doesNotContain("backing file");
    }

    @Test
    void unsafeRebaseOnlyRenamesTheBackingFileAsQemuImgDoes() throws Exception {
        img("rebase", "-u", "-b", "base.qcow2", "-F", "qcow2", path(qemuSide, "top.qcow2")).ok();
        cairnImg("rebase", "-u", "-b", "base.qcow2", path(cairnSide, "top.qcow2")).ok();
        assertSidesEqual("top.qcow2");
        assertThat(img("info", path(cairnSide, "top.qcow2")).stdout()).contains("backing file: base.qcow2")
                .contains("backing file format: qcow2");
    }

    @Test
    void compareAgreesWithQemuImgCompare() throws Exception {
        Path raw = dir.resolve("top.raw");
        img("convert", "-O", "raw", path(qemuSide, "top.qcow2"), raw.toString()).ok();
        Path changed = dir.resolve("changed.raw");
        Files.copy(raw, changed);
        poke(changed, 2_200_123, (byte) 0x5a);
        Path longerZero = dir.resolve("longer-zero.raw");
        Files.copy(raw, longerZero);
        try (RandomAccessFile file = new RandomAccessFile(longerZero.toFile(), "rw")) {
            file.setLength(5L << 20);
        }
        Path longerData = dir.resolve("longer-data.raw");
        Files.copy(longerZero, longerData);
        poke(longerData, 4_500_000, (byte) 1);
        String top = path(qemuSide, "top.qcow2");
        String[][] pairs = {
            {"-f", "qcow2", "-F", "raw", top, raw.toString()},
            {"-f", "qcow2", "-F", "raw", top, changed.toString()},
            {changed.toString(), top},
            {top, longerZero.toString()},
            {longerData.toString(), top},
            {"-f", "qcow2", "-F", "qcow2", top, path(cairnSide, "mid.qcow2")},
            {top, dir.resolve("missing.qcow2").toString()},
        };
        for (String[] pair : pairs) {
            String[] args = new String[pair.length + 1];
            args[0] = "compare";
            System.arraycopy(pair, 0, args, 1, pair.length);
            QemuTool.Result expected = img(args);
            Run actual = cairnImg(args);
            assertThat(actual.exitCode()).as(String.join(" ", args) + ": " + actual.err()).isEqualTo(expected.exitCode());
            if (expected.exitCode() != 2) {
                assertThat(actual.out()).as(String.join(" ", args)).isEqualTo(expected.stdout());
            }
        }
    }

    private static void poke(Path file, long offset, byte value) throws Exception {
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(offset);
            raw.write(value);
        }
    }

    @Test
    void mapPrintsWhatQemuImgMapPrintsForTheSameChain() throws Exception {
        for (String file : new String[] {"top.qcow2", "mid.qcow2", "base.qcow2"}) {
            String expected = img("map", "--output=json", path(qemuSide, file)).ok().stdout();
            assertThat(cairnImg("map", "--output=json", path(qemuSide, file)).ok().out()).as(file).isEqualTo(expected);
        }
    }

    @Test
    void mapFollowsARawBackingFileAndItsEnd() throws Exception {
        Path raw = dir.resolve("small.raw");
        byte[] data = new byte[3 << 19];
        new Random(7).nextBytes(data);
        Files.write(raw, data);
        Path overlay = dir.resolve("over-raw.qcow2");
        img("create", "-f", "qcow2", "-b", raw.toString(), "-F", "raw", overlay.toString(), "4M").ok();
        QemuTool.io(overlay, "write -P 3 64k 64k", "write -z 1M 64k", "write -P 4 3M 64k").ok();
        String expected = img("map", "--output=json", overlay.toString()).ok().stdout();
        assertThat(cairnImg("map", "--output=json", overlay.toString()).ok().out()).isEqualTo(expected);
    }

    /** qemu-img asks the file system where a raw file's holes are (SEEK_DATA) and reports them as zeroes. */
    @Test
    void mapReportsARawBackingFilesHolesAsZeroes() throws Exception {
        Path raw = dir.resolve("sparse.raw");
        try (FileChannel file = FileChannel.open(raw, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            byte[] piece = new byte[12 << 10];
            new Random(8).nextBytes(piece);
            file.write(ByteBuffer.wrap(piece, 0, 4096), 1 << 20);
            file.write(ByteBuffer.wrap(piece), (2 << 20) + 8192);
            file.truncate(3 << 20);
            file.write(ByteBuffer.allocate(1), (3 << 20) - 1);
        }
        Path overlay = dir.resolve("over-sparse.qcow2");
        img("create", "-f", "qcow2", "-b", raw.toString(), "-F", "raw", overlay.toString(), "4M").ok();
        QemuTool.io(overlay, "write -P 3 1M 64k", "write -P 4 3M 64k").ok();
        String expected = img("map", "--output=json", overlay.toString()).ok().stdout();
        assertThat(expected).as("the file system has holes here").contains("\"depth\": 1, \"present\": true, \"zero\": true");
        assertThat(cairnImg("map", "--output=json", overlay.toString()).ok().out()).isEqualTo(expected);
    }
}
