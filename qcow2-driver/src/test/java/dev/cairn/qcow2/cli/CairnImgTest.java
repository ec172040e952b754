package dev.cairn.qcow2.cli;

import static dev.cairn.qcow2.cli.CliRun.cairnImg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.qcow2.QemuTool;
import dev.cairn.qcow2.cli.CliRun.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CairnImgTest {

    private static String qemuImg(String... args) throws Exception {
        return QemuTool.img(args).ok().stdout();
    }

    @TempDir
    Path dir;

    @Test
    void createWithQemuStyleOptionsProducesWhatQemuImgReads() throws Exception {
        Path image = dir.resolve("a.qcow2");
        Run run = cairnImg("create", "-f", "qcow2", "-o", "cluster_size=4096,refcount_bits=8,lazy_refcounts=on",
                image.toString(), "64M");
        assertThat(run.exitCode()).as(run.err()).isZero();
        String info = qemuImg("info", image.toString());
        assertThat(info).contains("virtual size: 64 MiB").contains("cluster_size: 4096")
                .contains("refcount bits: 8").contains("lazy refcounts: true");
        qemuImg("check", image.toString());
    }

    @Test
    void snapshotsCheckInfoAndConvertWorkEndToEnd() throws Exception {
        Path image = dir.resolve("b.qcow2");
        assertThat(cairnImg("create", image.toString(), "1M").exitCode()).isZero();
        assertThat(cairnImg("snapshot", "-c", "first", image.toString()).exitCode()).isZero();
        Run list = cairnImg("snapshot", "-l", image.toString());
        assertThat(list.out()).contains("Snapshot list:").contains("first");
        assertThat(qemuImg("snapshot", "-l", image.toString())).contains("first");

        Run check = cairnImg("check", "--output=json", image.toString());
        assertThat(check.exitCode()).isZero();
        assertThat(check.out()).contains("\"check-errors\": 0").contains("\"total-clusters\": 16");

        Run info = cairnImg("info", "--output=json", image.toString());
        assertThat(info.out()).contains("\"virtual-size\": 1048576").contains("\"name\": \"first\"");

        Path raw = dir.resolve("b.raw");
        assertThat(cairnImg("convert", "-f", "qcow2", "-O", "raw", "-l", "snapshot.name=first", image.toString(),
                raw.toString()).exitCode()).isZero();
        assertThat(Files.size(raw)).isEqualTo(1 << 20);
        Path back = dir.resolve("back.qcow2");
        assertThat(cairnImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), back.toString()).exitCode())
                .isZero();
        qemuImg("compare", "-f", "qcow2", "-F", "raw", back.toString(), raw.toString());

        assertThat(cairnImg("snapshot", "-d", "first", image.toString()).exitCode()).isZero();
        Run missing = cairnImg("snapshot", "-a", "first", image.toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("not found");
    }

    @Test
    void hiddenBenchOperationsReportEngineTimeAndLeaveImagesClean() throws Exception {
        Path image = dir.resolve("bench.qcow2");
        qemuImg("create", "-f", "qcow2", image.toString(), "8M");
        Path offsets = dir.resolve("offsets");
        Files.writeString(offsets, "0\n1048576\n7340032\n");
        assertThat(cairnImg("bench", "io", "--write", "-s", "1M", "--offsets", offsets.toString(), image.toString())
                .ok().out()).matches("engine_seconds=[0-9.]+\n");
        assertThat(cairnImg("bench", "io", "-s", "4k", "--offsets", offsets.toString(), image.toString()).ok().out())
                .startsWith("engine_seconds=");
        cairnImg("bench", "fill-snapshots", "3", image.toString()).ok();
        cairnImg("bench", "snapshot", "-c", "extra", image.toString()).ok();
        cairnImg("bench", "snapshot", "-d", "s2", image.toString()).ok();
        cairnImg("bench", "check", image.toString()).ok();
        assertThat(qemuImg("snapshot", "-l", image.toString())).contains("s1").contains("s3").contains("extra")
                .doesNotContain("s2 ");
        qemuImg("check", image.toString());
        Path raw = dir.resolve("bench.raw");
        qemuImg("convert", "-O", "raw", "-l", "snapshot.name=s1", image.toString(), raw.toString());
        byte[] first = Files.readAllBytes(raw);
        assertThat(first[0]).as("fill-snapshots wrote cluster 0 before s1").isEqualTo((byte) 1);
        assertThat(first[1 << 20]).isEqualTo((byte) 0xab);
    }

    @Test
    void convertCompressesWithDashCAndHonoursTheCacheMode() throws Exception {
        Path raw = dir.resolve("text.raw");
        Files.writeString(raw, "cairn ".repeat(200_000));
        Path compressed = dir.resolve("c.qcow2");
        cairnImg("convert", "-c", "-t", "unsafe", "-f", "raw", "-O", "qcow2", raw.toString(), compressed.toString())
                .ok();
        assertThat(qemuImg("check", compressed.toString())).contains("100.00% compressed clusters");
        qemuImg("compare", "-f", "raw", "-F", "qcow2", raw.toString(), compressed.toString());
        Path back = dir.resolve("back.raw");
        cairnImg("convert", "-t", "unsafe", "-f", "qcow2", "-O", "raw", compressed.toString(), back.toString()).ok();
        qemuImg("compare", "-f", "raw", "-F", "raw", raw.toString(), back.toString());
        assertThat(cairnImg("convert", "-t", "none", "-f", "qcow2", "-O", "raw", compressed.toString(),
                back.toString()).err()).contains("supported cache modes: writeback, unsafe");
    }

    @Test
    void aCommandLineWithOnlyTheNamedSubcommandRunsItLikeTheFullOne() throws Exception {
        Path image = dir.resolve("only.qcow2");
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine only = CairnImg.commandLine("create");
        only.setOut(new java.io.PrintWriter(out));
        assertThat(only.getSubcommands()).containsOnlyKeys("create");
        assertThat(only.execute("create", image.toString(), "1M")).isZero();
        assertThat(out.toString()).startsWith("Formatting '");
        assertThat(CairnImg.commandLine().getSubcommands()).containsKeys("create", "info", "check", "snapshot",
                "convert", "commit", "rebase", "compare", "map", "delta", "bench");
        qemuImg("check", image.toString());
    }

    @Test
    void usageErrorsExitTwoNamingWhatIsWrongAndTouchNothing() {
        Path target = dir.resolve("never.qcow2");
        Run missing = cairnImg("convert", "-f", "raw", "-O", "qcow2", target.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required parameter: '<target>'");
        Run both = cairnImg("snapshot", "-l", "-c", "x", target.toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        Run neither = cairnImg("snapshot", target.toString());
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("Missing required argument");
        Run group = cairnImg("delta");
        assertThat(group.exitCode()).isEqualTo(2);
        assertThat(group.err()).contains("Missing required subcommand");
        Run unknown = cairnImg("amend", "-o", "compat=0.10", target.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument");
        assertThat(target).doesNotExist();
    }

    @Test
    void helpListsThePublicCommandsAndVersionNamesTheTool() {
        String help = cairnImg("--help").ok().out();
        assertThat(help).contains("create", "info", "check", "snapshot", "convert", "commit", "rebase", "compare",
                "map", "delta").doesNotContain("bench");
        assertThat(cairnImg("--version").ok().out()).startsWith("cairn-img ");
    }
}
