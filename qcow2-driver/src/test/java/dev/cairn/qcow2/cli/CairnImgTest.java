package dev.cairn.qcow2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CairnImgTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run cairnImg(String... args) {
        CommandLine commandLine = CairnImg.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String qemuImg(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "qemu-img";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

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
}
