package dev.cairn.qcow2;

import static dev.cairn.qcow2.cli.CliRun.cairnImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.qcow2.cli.CliRun.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn-img delta export|verify|apply} against the real qemu-img: a chain of deltas from an image
 * written by qemu-io rebuilds every snapshot byte for byte in a new file that qemu-img checks clean, and a
 * damaged, truncated or misplaced stream changes nothing.
 */
class DeltaCliInteropTest {

    @TempDir
    Path dir;

    @Test
    void aChainOfDeltasRebuildsEverySnapshotInANewFile() throws Exception {
        Path source = dir.resolve("source.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", source.toString(), "8M").ok();
        QemuTool.io(source, "write -P 0xaa 0 1M", "write -P 0x11 6M 300k").ok();
        QemuTool.img("snapshot", "-c", "A", source.toString()).ok();
        QemuTool.io(source, "write -P 0xbb 2M 64k", "write -z 0 64k", "discard 512k 128k", "write -P 0xcc 6400k 3")
                .ok();
        QemuTool.img("snapshot", "-c", "B", source.toString()).ok();
        try (Qcow2Image image = Qcow2Image.open(source, true)) {
            image.resize(12L << 20);
            image.write(10L << 20, new byte[] {1, 2, 3}, 0, 3);
            image.createSnapshot("", "C");
        }
        QemuTool.checkClean(source);

        Path a = export(source, null, "A");
        Path b = export(source, "A", "B");
        Path c = export(source, "B", "C");
        assertThat(cairnImg("delta", "verify", a.toString()).out()).contains("valid delta: full image to 'A'");
        assertThat(cairnImg("delta", "verify", c.toString()).out()).contains("from 'B'").contains("to 'C'");
        assertThat(Files.size(b)).isLessThan(300_000);

        Path replica = dir.resolve("replica.qcow2");
        apply(replica, a);
        assertRefusedUnchanged(replica, c, "base snapshot 'B'");
        apply(replica, b);
        assertRefusedUnchanged(replica, a, "exists");
        assertRefusedUnchanged(replica, b, "already holds the target");
        assertRefusedUnchanged(replica, flipped(c), "invalid delta");
        assertRefusedUnchanged(replica, truncated(c), "invalid delta");
        apply(replica, c);

        QemuTool.checkClean(replica);
        String list = QemuTool.img("snapshot", "-l", replica.toString()).ok().stdout();
        assertThat(list).contains(" A ").contains(" B ").contains(" C ");
        for (String snapshot : new String[] {"A", "B", "C"}) {
            byte[] expected = QemuTool.toRaw(source, dir.resolve("s-" + snapshot + ".raw"), "-l", "snapshot.name=" + snapshot);
            byte[] actual = QemuTool.toRaw(replica, dir.resolve("r-" + snapshot + ".raw"), "-l", "snapshot.name=" + snapshot);
            assertThat(Arrays.equals(actual, expected)).as("snapshot %s", snapshot).isTrue();
        }
        byte[] head = QemuTool.toRaw(replica, dir.resolve("r-head.raw"));
        assertThat(Arrays.equals(head, Files.readAllBytes(dir.resolve("s-C.raw")))).isTrue();

        // The replica's snapshots have the source's identities: a delta exported from the replica applies too.
        Path again = export(replica, "B", "C");
        assertThat(cairnImg("delta", "verify", again.toString()).out())
                .isEqualTo(cairnImg("delta", "verify", c.toString()).out());
    }

    @Test
    void verifyReportsTheReasonOfARefusal() throws Exception {
        Path source = dir.resolve("v.qcow2");
        QemuTool.img("create", "-q", "-f", "qcow2", source.toString(), "1M").ok();
        QemuTool.img("snapshot", "-c", "S", source.toString()).ok();
        Path stream = export(source, null, "S");
        Run bad = cairnImg("delta", "verify", truncated(stream).toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("invalid delta stream").contains("ends inside");
    }

    private Path export(Path image, String from, String to) {
        Path out = dir.resolve(image.getFileName() + "-" + from + "-" + to + ".delta");
        Run run = from == null ? cairnImg("delta", "export", "--to", to, image.toString(), out.toString())
                : cairnImg("delta", "export", "--from", from, "--to", to, image.toString(), out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return out;
    }

    private static void apply(Path image, Path stream) {
        Run run = cairnImg("delta", "apply", image.toString(), stream.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("applied: snapshot");
    }

    private static void assertRefusedUnchanged(Path image, Path stream, String reason) throws Exception {
        String before = sha256(image);
        Run run = cairnImg("delta", "apply", image.toString(), stream.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains(reason);
        assertThat(sha256(image)).isEqualTo(before);
        assertThat(Files.list(image.getParent()).filter(p -> p.getFileName().toString().startsWith(".")))
                .as("no staging file left").isEmpty();
    }

    private Path flipped(Path stream) throws Exception {
        byte[] bytes = Files.readAllBytes(stream);
        bytes[bytes.length / 2] ^= 0x40;
        return Files.write(dir.resolve("flipped.delta"), bytes);
    }

    private Path truncated(Path stream) throws Exception {
        byte[] bytes = Files.readAllBytes(stream);
        return Files.write(dir.resolve("truncated.delta"), Arrays.copyOf(bytes, bytes.length - 1));
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
