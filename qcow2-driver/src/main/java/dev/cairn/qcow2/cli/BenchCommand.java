package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cairn-img bench} (hidden): the engine side of the benchmarks in bench/ (BENCHMARKS.md). Each
 * operation opens the image as the service does (ordered writes), runs, closes (a flush) and prints
 * {@code engine_seconds=S}: the time from before the open to after the close, without JVM start, so
 * that scripts can report both that and the whole process against qemu-io / qemu-img.
 */
final class BenchCommand {

    private BenchCommand() {
    }

    /** {@code bench} with its subcommands, left out of {@code --help}. */
    static CommandSpec group() {
        CommandSpec bench = Subcommand.group("bench", "Benchmark operations (see bench/).", new Io(), new Snapshot(),
                new Check(), new FillSnapshots());
        bench.usageMessage().hidden(true);
        return bench;
    }

    private interface Timed {
        void run() throws IOException;
    }

    private static int timed(PrintWriter out, Timed operation) throws IOException {
        long start = System.nanoTime();
        operation.run();
        out.printf("engine_seconds=%.3f%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    /** Offsets, one decimal byte offset a line (the same file the script turns into qemu-io commands). */
    private static long[] offsets(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.stream().filter(line -> !line.isBlank()).mapToLong(line -> Long.parseLong(line.trim())).toArray();
    }

    /** {@code bench io [--write] -s SIZE --offsets FILE IMAGE}. */
    static final class Io extends Subcommand {
        Io() {
            super("io", "Write (0xab) or read -s bytes at each offset of --offsets.");
            flag("--write", "write (then flush at close); default: read");
            requiredOption("-s", "size", "request size (4k, 1M, ...)");
            requiredOption("--offsets", "offsets", "a file of byte offsets, one a line");
            parameter("image");
        }

        @Override
        int run() throws Exception {
            boolean write = given("--write");
            Path image = path(0);
            long[] at = offsets(Path.of(value("--offsets", "")));
            byte[] data = new byte[(int) Sizes.parse(value("-s", ""))];
            Arrays.fill(data, (byte) 0xab);
            return timed(out(), () -> {
                try (Qcow2Image qcow2 = Qcow2Image.open(image, write)) {
                    for (long offset : at) {
                        if (write) {
                            qcow2.write(offset, data, 0, data.length);
                        } else {
                            qcow2.read(offset, data, 0, data.length);
                        }
                    }
                }
            });
        }
    }

    /** {@code bench snapshot -c NAME|-d SNAPSHOT IMAGE}. */
    static final class Snapshot extends Subcommand {
        Snapshot() {
            super("snapshot", "Create (-c) or delete (-d, ID first, then name) one snapshot.");
            option("-c", "create", "create with this name");
            option("-d", "delete", "delete this snapshot");
            parameter("image");
        }

        @Override
        int run() throws Exception {
            Path image = path(0);
            String create = value("-c", null);
            String delete = value("-d", null);
            return timed(out(), () -> {
                try (Qcow2Image qcow2 = Qcow2Image.open(image, true)) {
                    if (create != null) {
                        qcow2.createSnapshot("", create);
                    } else {
                        qcow2.deleteSnapshot(delete);
                    }
                }
            });
        }
    }

    /** {@code bench check IMAGE}. */
    static final class Check extends Subcommand {
        Check() {
            super("check", "Check the image (no repair); exits 1 unless it is clean.");
            parameter("image");
        }

        @Override
        int run() throws Exception {
            Path image = path(0);
            CheckResult[] result = new CheckResult[1];
            timed(out(), () -> {
                try (Qcow2Image qcow2 = Qcow2Image.open(image, false)) {
                    result[0] = qcow2.check();
                }
            });
            return result[0].exitStatus() == 0 ? 0 : 1;
        }
    }

    /** {@code bench fill-snapshots COUNT IMAGE}. */
    static final class FillSnapshots extends Subcommand {
        FillSnapshots() {
            super("fill-snapshots", "Setup: N times, write one cluster at a new place, snapshot.");
            numberParameter("count");
            parameter("image");
        }

        @Override
        int run() throws Exception {
            int count = number(0);
            Path image = path(1);
            return timed(out(), () -> {
                try (Qcow2Image qcow2 = Qcow2Image.open(image, true)) {
                    byte[] cluster = new byte[qcow2.clusterSize()];
                    long clusters = qcow2.capacityBytes() / cluster.length;
                    for (int i = 0; i < count; i++) {
                        Arrays.fill(cluster, (byte) (1 + i % 255));
                        qcow2.write((i * 7919L % clusters) * cluster.length, cluster, 0, cluster.length);
                        qcow2.createSnapshot("", "s" + (i + 1));
                    }
                }
            });
        }
    }
}
