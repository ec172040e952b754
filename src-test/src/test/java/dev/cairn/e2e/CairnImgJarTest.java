package dev.cairn.e2e;

import static dev.cairn.e2e.Qcow2VolumeTest.qemuImg;
import static dev.cairn.e2e.Qcow2VolumeTest.qemuIoHolding;
import static dev.cairn.e2e.Qcow2VolumeTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool as users get it, {@code java -jar qcow2-driver/target/cairn-img.jar}: every command runs from
 * the packaged jar (which leaves out the service's own libraries), including the two that need native
 * calls from it, finding a large raw source's holes and taking QEMU's image locks, checked by qemu-img and
 * qemu-io.
 */
class CairnImgJarTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aLargeSparseRawFileConvertsBothWaysAsQemuImgReadsIt() throws Exception {
        Path raw = dir.resolve("disk.raw");
        try (RandomAccessFile file = new RandomAccessFile(raw.toFile(), "rw")) {
            file.setLength(512L * MIB); // above the size from which holes are found natively
            byte[] data = new byte[MIB];
            Arrays.fill(data, (byte) 0x5a);
            file.seek(3L * MIB);
            file.write(data);
            file.seek(400L * MIB + 4096);
            file.write(data);
        }
        Path qcow2 = dir.resolve("disk.qcow2");
        cairnImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), qcow2.toString());
        qemuImg("compare", "-f", "raw", "-F", "qcow2", raw.toString(), qcow2.toString());
        assertThat(qemuImg("check", qcow2.toString())).contains("No errors were found");
        // Only the clusters that hold data are allocated: 1 MiB at a cluster boundary, 1 MiB + 4 KiB across two.
        assertThat(Files.size(qcow2)).isLessThan(4L * MIB);
        Path back = dir.resolve("back.raw");
        cairnImg("convert", "-t", "unsafe", "-f", "qcow2", "-O", "raw", qcow2.toString(), back.toString());
        assertThat(Files.mismatch(raw, back)).isEqualTo(-1);
    }

    @Test
    void everyCommandRunsFromTheJar() throws Exception {
        Path base = dir.resolve("base.qcow2");
        assertThat(cairnImg("create", "-f", "qcow2", "-o", "cluster_size=4096", base.toString(), "8M"))
                .startsWith("Formatting '");
        run("qemu-io", "-f", "qcow2", "-c", "write -P 7 0 64k", base.toString());
        cairnImg("snapshot", "-c", "first", base.toString());
        assertThat(cairnImg("snapshot", "-l", base.toString())).contains("first");
        assertThat(cairnImg("info", "--output=json", base.toString())).contains("\"cluster-size\": 4096");
        assertThat(cairnImg("check", base.toString())).contains("No errors were found");
        assertThat(cairnImg("map", "--output=json", base.toString())).contains("\"data\": true");
        Path overlay = dir.resolve("overlay.qcow2");
        cairnImg("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", overlay.toString());
        run("qemu-io", "-f", "qcow2", "-c", "write -P 8 64k 64k", overlay.toString());
        assertThat(cairnImg("commit", overlay.toString())).contains("Image committed.");
        cairnImg("rebase", "-u", "-b", "", overlay.toString());
        Path delta = dir.resolve("first.delta");
        cairnImg("delta", "export", "--to", "first", base.toString(), delta.toString());
        assertThat(cairnImg("delta", "verify", delta.toString())).contains("valid delta: full image to 'first'");
        Path copy = dir.resolve("copy.qcow2");
        assertThat(cairnImg("delta", "apply", copy.toString(), delta.toString())).contains("applied: snapshot");
        Path firstRaw = dir.resolve("first.raw");
        qemuImg("convert", "-l", "snapshot.name=first", "-O", "raw", base.toString(), firstRaw.toString());
        assertThat(cairnImg("compare", "-f", "raw", "-F", "qcow2", firstRaw.toString(), copy.toString()))
                .contains("Images are identical.");
        assertThat(qemuImg("check", base.toString())).contains("No errors were found");

        // The commands and shapes added for qemu-img's users, from the jar (disk sizes through its native calls).
        Path chainTop = dir.resolve("chain-top.qcow2");
        cairnImg("create", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", chainTop.toString());
        // Both tools print snapshot dates in the machine's time zone.
        assertThat(cairnImg("info", "--backing-chain", chainTop.toString()))
                .isEqualTo(qemuImg("info", "--backing-chain", chainTop.toString()));
        assertThat(cairnImg("map", chainTop.toString())).isEqualTo(qemuImg("map", chainTop.toString()));
        Path flat = dir.resolve("flat.qcow2");
        assertThat(cairnImg("convert", "-p", "-O", "qcow2", chainTop.toString(), flat.toString()))
                .endsWith("(100.00/100%)\r\n");
        assertThat(qemuImg("compare", chainTop.toString(), flat.toString())).contains("Images are identical.");
        assertThat(cairnImg("resize", flat.toString(), "+1G")).isEqualTo("Image resized.\n");
        Path raw = dir.resolve("blank.raw");
        assertThat(cairnImg("create", "-f", "raw", raw.toString(), "1G"))
                .isEqualTo(qemuImg("create", "-f", "raw", dir.resolve("blank-qemu.raw").toString(), "1G")
                        .replace("blank-qemu.raw", "blank.raw"));
        assertThat(cairnImg("--version")).startsWith("cairn-img ");
    }

    @Test
    void anImageQemuIoHoldsIsRefusedForWritingUntilItLetsGo() throws Exception {
        Path image = dir.resolve("held.qcow2");
        qemuImg("create", "-q", "-f", "qcow2", image.toString(), "8M");
        Process qemu = qemuIoHolding(image);
        try {
            String refused = run(List.of(1), jarCommand("snapshot", "-c", "during", image.toString()));
            assertThat(refused).contains("Failed to get \"write\" lock");
            try (var cached = Files.list(dir.resolve("cache"))) {
                assertThat(cached.map(jffi -> jffi.resolve("libjffi-1.2.so")).filter(Files::isRegularFile).count())
                        .as("the native library, kept for the next runs").isOne();
            }
            // Again, the library now loaded from that cache.
            assertThat(run(List.of(1), jarCommand("snapshot", "-c", "during", image.toString())))
                    .contains("Failed to get \"write\" lock");
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
        cairnImg("snapshot", "-c", "after", image.toString());
        assertThat(qemuImg("snapshot", "-l", image.toString())).contains("after").doesNotContain("during");
    }

    /** Runs the jar with {@code args}; its output, which must come with exit code 0. */
    private String cairnImg(String... args) throws IOException, InterruptedException {
        return run(jarCommand(args));
    }

    /** The jar's command line, keeping its cached native library in this test's directory. */
    private String[] jarCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dcairn-img.cache.dir=" + dir.resolve("cache"), "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    /** {@code qcow2-driver/target/cairn-img.jar} above the working directory (built before this module). */
    private static Path jar() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("qcow2-driver/target/cairn-img.jar");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("qcow2-driver/target/cairn-img.jar not found: build the qcow2-driver module");
    }
}
