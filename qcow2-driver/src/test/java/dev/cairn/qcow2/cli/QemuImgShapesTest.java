package dev.cairn.qcow2.cli;

import static dev.cairn.qcow2.cli.CliRun.cairnImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.qcow2.QemuTool;
import dev.cairn.qcow2.cli.CliRun.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Command lines written for qemu-img run unchanged with cairn-img and report what qemu-img reports:
 * info (sizes, disk usage, chains, snapshots) field by field against qemu-img's own output, convert
 * without {@code -f}, with {@code -o}, between any of raw and qcow2, and {@code -f}/{@code -U}
 * where qemu-img takes them.
 */
class QemuImgShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path base;
    private Path top;

    private static String qemuImg(String... args) {
        return QemuTool.img(args).ok().stdout();
    }

    /** base.qcow2 (3 MiB of data, snapshot s1, then 1 MiB rewritten) under top.qcow2 (64 KiB more). */
    @BeforeEach
    void chain() {
        base = dir.resolve("base.qcow2");
        top = dir.resolve("top.qcow2");
        qemuImg("create", "-f", "qcow2", base.toString(), "64M");
        QemuTool.io(base, "write -P 0x11 0 3M").ok();
        qemuImg("snapshot", "-c", "s1", base.toString());
        QemuTool.io(base, "write -P 0x22 1M 1M").ok();
        qemuImg("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", top.toString());
        QemuTool.io(top, "write -P 0x33 8M 64k").ok();
    }

    @Test
    void infoOfAChainPrintsWhatQemuImgPrints() {
        for (String format : List.of("human", "json")) {
            for (Path image : List.of(top, base)) {
                for (boolean chain : List.of(false, true)) {
                    List<String> args = new java.util.ArrayList<>(List.of("info", "--output=" + format));
                    if (chain) {
                        args.add("--backing-chain");
                    }
                    args.add(image.toString());
                    String ours = cairnImg(args.toArray(String[]::new)).ok().out();
                    String qemus = qemuImg(args.toArray(String[]::new));
                    if (format.equals("json")) {
                        // The same fields and values; qemu-img's own order of the fields is a hash order.
                        assertThat(JSON.readTree(ours)).as(args.toString()).isEqualTo(JSON.readTree(qemus));
                    } else {
                        // Byte for byte but the snapshot dates, which qemu-img prints in its own time zone.
                        assertThat(withoutDate(ours)).as(args.toString()).isEqualTo(withoutDate(qemus));
                    }
                }
            }
        }
    }

    @Test
    void createPrintsWhatQemuImgPrintsAndMakesTheSameImage() throws Exception {
        Path qemuDir = Files.createDirectories(dir.resolve("q"));
        Path ourDir = Files.createDirectories(dir.resolve("c"));
        for (List<String> options : List.of(List.of("-f", "qcow2"), List.of("-f", "qcow2", "-o", "compat=0.10"),
                List.of("-f", "qcow2", "-o", "cluster_size=4k,refcount_bits=8,lazy_refcounts=on"),
                List.of("-f", "qcow2", "-o", "compat=1.1"),
                List.of("-f", "qcow2", "-b", "../base.qcow2", "-F", "qcow2"),
                List.of("-f", "raw"))) {
            String size = options.contains("-b") ? null : options.contains("compat=1.1") ? "100" : "1G";
            String qemus = qemuImg(createArgs(options, qemuDir, size)).replace(qemuDir.toString(), "D");
            String ours = cairnImg(createArgs(options, ourDir, size)).ok().out().replace(ourDir.toString(), "D");
            assertThat(ours).as(options.toString()).isEqualTo(qemus);
            String qemuInfo = qemuImg("info", qemuDir.resolve("x.img").toString()).replace(qemuDir.toString(), "D");
            String ourInfo = qemuImg("info", ourDir.resolve("x.img").toString()).replace(ourDir.toString(), "D");
            assertThat(ourInfo.replaceAll("disk size: .*\n", "")).as(options.toString())
                    .isEqualTo(qemuInfo.replaceAll("disk size: .*\n", ""));
            Files.delete(qemuDir.resolve("x.img"));
            Files.delete(ourDir.resolve("x.img"));
        }
        Run noSize = cairnImg("create", "-f", "qcow2", ourDir.resolve("none.qcow2").toString());
        assertThat(noSize.exitCode()).isEqualTo(1);
        assertThat(noSize.err()).endsWith("Image creation needs a size parameter\n");
        assertThat(ourDir.resolve("none.qcow2")).doesNotExist();
    }

    /** {@code create OPTIONS DIRECTORY/x.img [SIZE]}. */
    private static String[] createArgs(List<String> options, Path directory, String size) {
        List<String> args = new java.util.ArrayList<>(List.of("create"));
        args.addAll(options);
        args.add(directory.resolve("x.img").toString());
        if (size != null) {
            args.add(size);
        }
        return args.toArray(String[]::new);
    }

    @Test
    void mapPrintsWhatQemuImgPrintsAndRefusesCompressedClustersInHumanForm() throws Exception {
        Path raw = dir.resolve("raw-base.raw");
        try (var file = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[3 << 20]).put(0, (byte) 1).put((2 << 20) + 5, (byte) 2), 0);
            file.truncate(8 << 20).write(java.nio.ByteBuffer.allocate(1), (8 << 20) - 1);
        }
        Path overRaw = dir.resolve("over-raw.qcow2");
        qemuImg("create", "-f", "qcow2", "-b", "raw-base.raw", "-F", "raw", overRaw.toString());
        QemuTool.io(overRaw, "write -P 0x44 1M 64k").ok();
        for (Path image : List.of(top, base, overRaw)) {
            for (String format : List.of("human", "json")) {
                assertThat(cairnImg("map", "--output=" + format, image.toString()).ok().out())
                        .as("%s %s", image, format)
                        .isEqualTo(qemuImg("map", "--output=" + format, image.toString()));
            }
        }
        assertThat(cairnImg("map", top.toString()).out()).contains("base.qcow2").contains("top.qcow2");

        Path compressed = dir.resolve("compressed.qcow2");
        qemuImg("convert", "-c", "-O", "qcow2", top.toString(), compressed.toString());
        Run refused = cairnImg("map", compressed.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("cairn-img: File contains external, encrypted or compressed clusters.\n");
        assertThat(QemuTool.img("map", compressed.toString()).stderr())
                .isEqualTo("qemu-img: File contains external, encrypted or compressed clusters.\n");
    }

    @Test
    void checkAndRepairPrintWhatQemuImgPrints() throws Exception {
        Path compressed = dir.resolve("compressed.qcow2");
        qemuImg("convert", "-c", "-O", "qcow2", top.toString(), compressed.toString());
        Path leaky = dir.resolve("leaky.qcow2");
        Files.copy(base, leaky);
        QemuTool.leakOneCluster(leaky);
        Path qemuCopy = dir.resolve("leaky-qemu.qcow2");
        Files.copy(leaky, qemuCopy);
        for (Path image : List.of(base, top, compressed, leaky)) {
            for (String format : List.of("human", "json")) {
                Run ours = cairnImg("check", "--output=" + format, image.toString());
                QemuTool.Result qemus = QemuTool.img("check", "--output=" + format, image.toString());
                assertThat(ours.exitCode()).as("%s %s", image, format).isEqualTo(qemus.exitCode());
                assertThat(ours.err()).as("%s %s", image, format).isEqualTo(qemus.stderr());
                if (format.equals("json")) {
                    assertThat(JSON.readTree(ours.out())).isEqualTo(JSON.readTree(qemus.stdout()));
                } else {
                    assertThat(ours.out()).as("%s", image).isEqualTo(qemus.stdout());
                }
            }
        }
        assertThat(cairnImg("check", leaky.toString()).out()).contains("1 leaked clusters were found");
        assertThat(qemuImg("check", compressed.toString())).contains("100.00% fragmented");

        Run repaired = cairnImg("check", "-r", "leaks", leaky.toString());
        QemuTool.Result qemuRepaired = QemuTool.img("check", "-r", "leaks", qemuCopy.toString());
        assertThat(repaired.exitCode()).isZero().isEqualTo(qemuRepaired.exitCode());
        assertThat(repaired.out()).isEqualTo(qemuRepaired.stdout()).contains("1 leaked clusters\n");
        assertThat(repaired.err()).isEqualTo(qemuRepaired.stderr()).contains("Repairing cluster");
        QemuTool.img("check", leaky.toString()).ok();
    }

    @Test
    void infoOfARawFileAndOfAQcow2NamedRawMatchQemuImg() throws Exception {
        Path raw = dir.resolve("disk.raw");
        Files.write(raw, new byte[] {1, 2, 3});
        try (var channel = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0).write(java.nio.ByteBuffer.wrap(new byte[] {7}), 100L << 20);
        }
        for (String[] args : List.of(new String[] {raw.toString()}, new String[] {"-f", "raw", base.toString()})) {
            String[] json = concat(new String[] {"info", "--output=json"}, args);
            JsonNode ours = JSON.readTree(cairnImg(json).ok().out());
            JsonNode qemus = JSON.readTree(qemuImg(json));
            for (String field : List.of("filename", "format", "virtual-size", "actual-size", "dirty-flag")) {
                assertThat(ours.get(field)).as(field).isEqualTo(qemus.get(field));
            }
            assertThat(cairnImg(concat(new String[] {"info"}, args)).ok().out())
                    .isEqualTo(qemuImg(concat(new String[] {"info"}, args)));
        }
    }

    @Test
    void convertProbesFormatsTakesCreateOptionsAndFlattensAChain() throws Exception {
        Path flat = dir.resolve("flat.qcow2");
        cairnImg("convert", "-U", "-O", "qcow2", "-o", "cluster_size=4K,refcount_bits=8", top.toString(),
                flat.toString()).ok();
        String info = qemuImg("info", flat.toString());
        assertThat(info).contains("cluster_size: 4096").contains("refcount bits: 8").doesNotContain("backing file");
        qemuImg("compare", top.toString(), flat.toString());
        QemuTool.img("check", flat.toString()).ok();

        Path snapshot = dir.resolve("s1.qcow2");
        cairnImg("convert", "-c", "-O", "qcow2", "-l", "snapshot.name=s1", base.toString(), snapshot.toString()).ok();
        Path expected = dir.resolve("s1.raw");
        qemuImg("convert", "-O", "raw", "-l", "snapshot.name=s1", base.toString(), expected.toString());
        qemuImg("compare", "-f", "raw", "-F", "qcow2", expected.toString(), snapshot.toString());
        assertThat(qemuImg("check", snapshot.toString())).contains("100.00% compressed clusters");
        Path byId = dir.resolve("s1-by-id.raw");
        cairnImg("convert", "-O", "raw", "-l", "snapshot.id=1", base.toString(), byId.toString()).ok();
        assertThat(Files.mismatch(byId, expected)).isEqualTo(-1);

        Path copy = dir.resolve("copy.raw");
        cairnImg("convert", "-O", "raw", expected.toString(), copy.toString()).ok();
        assertThat(Files.mismatch(copy, expected)).isEqualTo(-1);
        assertThat(JSON.readTree(qemuImg("info", "--output=json", copy.toString())).get("actual-size").asLong())
                .as("the raw copy is sparse: 3 MiB of data in 64 MiB").isLessThanOrEqualTo(4L << 20);
    }

    @Test
    void convertWithDashPPrintsItsProgressOnOneLineAsQemuImgDoes() throws Exception {
        Path raw = dir.resolve("forty.raw");
        try (var channel = java.nio.channels.FileChannel.open(raw, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (long offset = 0; offset < 40L << 20; offset += 1 << 20) {
                channel.write(java.nio.ByteBuffer.wrap(new byte[] {1}), offset); // three 16 MiB windows of data
            }
        }
        for (String[] convert : List.of(new String[] {"-O", "qcow2", raw.toString(), dir.resolve("p.qcow2").toString()},
                new String[] {"-O", "raw", dir.resolve("p.qcow2").toString(), dir.resolve("p.raw").toString()})) {
            String out = cairnImg(concat(new String[] {"convert", "-p"}, convert)).ok().out();
            assertThat(out).startsWith("    (0.00/100%)\r").endsWith("    (100.00/100%)\r\n"); // as qemu-img ends it
            List<Double> shown = java.util.regex.Pattern.compile("\\(([0-9.]+)/100%\\)").matcher(out).results()
                    .map(match -> Double.parseDouble(match.group(1))).toList();
            assertThat(shown).as(out).isSorted().doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3);
        }
        qemuImg("compare", "-f", "raw", "-F", "raw", raw.toString(), dir.resolve("p.raw").toString());
    }

    @Test
    void commitAndRebaseWithDashPPrintProgressAndDoTheirWork() throws Exception {
        Path expected = dir.resolve("top.raw");
        qemuImg("convert", "-O", "raw", top.toString(), expected.toString());
        String rebased = cairnImg("rebase", "-p", "-b", "", top.toString()).ok().out();
        assertThat(rebased).startsWith("    (0.00/100%)\r").endsWith("    (100.00/100%)\r\n");
        assertThat(qemuImg("info", top.toString())).doesNotContain("backing file");
        qemuImg("compare", "-f", "raw", "-F", "qcow2", expected.toString(), top.toString());

        qemuImg("rebase", "-u", "-b", "base.qcow2", "-F", "qcow2", top.toString());
        String committed = cairnImg("commit", "-p", top.toString()).ok().out();
        assertThat(committed).startsWith("    (0.00/100%)\r").endsWith("    (100.00/100%)\r\nImage committed.\n");
        qemuImg("compare", "-f", "raw", "-F", "qcow2", expected.toString(), base.toString());
        QemuTool.img("check", base.toString()).ok();
    }

    @Test
    void convertRefusesToWriteOverWhatItReadsAndBadOptionsAndChangesNothing() throws Exception {
        byte[] baseBefore = Files.readAllBytes(base);
        byte[] topBefore = Files.readAllBytes(top);
        Run ontoSource = cairnImg("convert", "-O", "raw", top.toString(), top.toString());
        assertThat(ontoSource.exitCode()).isEqualTo(1);
        assertThat(ontoSource.err()).contains("it is the source");
        Run ontoBacking = cairnImg("convert", "-O", "qcow2", top.toString(), base.toString());
        assertThat(ontoBacking.exitCode()).isEqualTo(1);
        assertThat(ontoBacking.err()).contains("a backing file of the source");
        assertThat(Files.readAllBytes(base)).isEqualTo(baseBefore);
        assertThat(Files.readAllBytes(top)).isEqualTo(topBefore);

        Path target = dir.resolve("never.qcow2");
        for (String[] bad : List.of(new String[] {"-O", "qcow2", "-o", "cluster_size=96K"},
                new String[] {"-O", "qcow2", "-o", "refcount_bits=3"},
                new String[] {"-O", "qcow2", "-o", "lazy_refcounts=maybe"},
                new String[] {"-O", "qcow2", "-o", "compat=2"},
                new String[] {"-O", "raw", "-c"},
                new String[] {"-O", "vmdk"},
                new String[] {"-O", "raw", "-l", "snapshot.name=nope"},
                new String[] {"-O", "raw", "-l", "snapshot.id=9"})) {
            Run run = cairnImg(concat(concat(new String[] {"convert"}, bad), new String[] {base.toString(),
                    target.toString()}));
            assertThat(run.exitCode()).as(Arrays.toString(bad)).isEqualTo(1);
            assertThat(run.err()).as(Arrays.toString(bad)).startsWith("cairn-img: ");
            assertThat(target).doesNotExist();
        }
        Path raw = dir.resolve("plain.raw");
        Files.write(raw, new byte[4096]);
        Run snapshotOfRaw = cairnImg("convert", "-O", "raw", "-l", "s1", raw.toString(), target.toString());
        assertThat(snapshotOfRaw.err()).contains("-l needs a qcow2 source");
        assertThat(target).doesNotExist();
    }

    @Test
    void resizeGrowsQcow2WithSnapshotsAndRawFilesAndShrinksOnlyRawOnRequest() throws Exception {
        Path before = dir.resolve("before.raw");
        qemuImg("convert", "-O", "raw", base.toString(), before.toString());
        Path s1Before = dir.resolve("s1-before.raw");
        qemuImg("convert", "-O", "raw", "-l", "snapshot.name=s1", base.toString(), s1Before.toString());
        assertThat(cairnImg("resize", base.toString(), "+1G").ok().out()).isEqualTo("Image resized.\n");
        assertThat(JSON.readTree(qemuImg("info", "--output=json", base.toString())).get("virtual-size").asLong())
                .isEqualTo((64L << 20) + (1L << 30));
        QemuTool.img("check", base.toString()).ok();
        Path grown = dir.resolve("grown.raw");
        qemuImg("convert", "-O", "raw", base.toString(), grown.toString());
        assertThat(Files.mismatch(before, grown)).as("the old content, then zeroes").isEqualTo(64L << 20);
        assertThat(Files.size(grown)).isEqualTo((64L << 20) + (1L << 30));
        // qemu-img exports a snapshot at the image's size now; cairn-img at the size the snapshot recorded.
        Path qemuSnapshot = dir.resolve("s1-qemu.raw");
        qemuImg("convert", "-O", "raw", "-l", "snapshot.name=s1", base.toString(), qemuSnapshot.toString());
        assertThat(Files.mismatch(s1Before, qemuSnapshot)).isEqualTo(64L << 20);
        Path snapshot = dir.resolve("s1.raw");
        cairnImg("convert", "-O", "raw", "-l", "snapshot.name=s1", base.toString(), snapshot.toString()).ok();
        assertThat(Files.mismatch(s1Before, snapshot)).isEqualTo(-1);

        byte[] image = Files.readAllBytes(top);
        Run shrink = cairnImg("resize", top.toString(), "-1M");
        assertThat(shrink.exitCode()).isEqualTo(1);
        assertThat(shrink.err()).contains("shrinking a qcow2 image is not supported");
        assertThat(Files.readAllBytes(top)).isEqualTo(image);

        Path raw = dir.resolve("disk.raw");
        qemuImg("create", "-f", "raw", raw.toString(), "1G");
        cairnImg("resize", "-f", "raw", raw.toString(), "2G").ok();
        JsonNode info = JSON.readTree(qemuImg("info", "--output=json", raw.toString()));
        assertThat(info.get("virtual-size").asLong()).isEqualTo(2L << 30);
        assertThat(info.get("actual-size").asLong()).as("grown as a hole").isLessThan(1 << 20);
        Run refused = cairnImg("resize", raw.toString(), "-1G");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("give --shrink");
        assertThat(Files.size(raw)).isEqualTo(2L << 30);
        cairnImg("resize", "--shrink", raw.toString(), "-1536M").ok();
        assertThat(Files.size(raw)).isEqualTo(512L << 20);
    }

    @Test
    void formatAndForceShareOptionsAreTakenWhereQemuImgTakesThem() {
        cairnImg("info", "-f", "qcow2", "-U", base.toString()).ok();
        cairnImg("check", "-f", "qcow2", "-U", base.toString()).ok();
        assertThat(cairnImg("snapshot", "-f", "qcow2", "-U", "-l", base.toString()).ok().out()).contains("s1");
        cairnImg("map", "-f", "qcow2", "-U", "--output=json", top.toString()).ok();
        cairnImg("compare", "-U", "-f", "qcow2", "-F", "qcow2", base.toString(), base.toString()).ok();
        Run rawCheck = cairnImg("check", "-f", "raw", base.toString());
        assertThat(rawCheck.exitCode()).isEqualTo(1);
        assertThat(rawCheck.err()).contains("check works on qcow2 images only, not -f raw");
        Path missing = dir.resolve("missing.qcow2");
        Run notThere = cairnImg("info", missing.toString());
        assertThat(notThere.exitCode()).isEqualTo(1);
        assertThat(notThere.err())
                .isEqualTo("cairn-img: Could not open '" + missing + "': No such file or directory\n");
    }

    private static String withoutDate(String text) {
        return text.replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d", "DATE");
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
