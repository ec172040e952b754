package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn-img bench} (hidden): the engine side of the benchmarks in bench/ (BENCHMARKS.md). Each
 * operation opens the image as the service does (ordered writes), runs, closes (a flush) and prints
 * {@code engine_seconds=S}: the time from before the open to after the close, without JVM start, so
 * that scripts can report both that and the whole process against qemu-io / qemu-img.
 */
@Command(name = "bench", hidden = true, description = "Benchmark operations (see bench/).",
        subcommands = {BenchCommand.Io.class, BenchCommand.Snapshot.class, BenchCommand.Check.class,
            BenchCommand.FillSnapshots.class})
final class BenchCommand {

    private interface Timed {
        void run() throws IOException;
    }

    private static int timed(CommandLine.Model.CommandSpec spec, Timed operation) throws IOException {
        long start = System.nanoTime();
        operation.run();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("engine_seconds=%.3f%n", (System.nanoTime() - start) / 1e9);
        out.flush();
        return 0;
    }

    /** Offsets, one decimal byte offset a line (the same file the script turns into qemu-io commands). */
    private static long[] offsets(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.stream().filter(line -> !line.isBlank()).mapToLong(line -> Long.parseLong(line.trim())).toArray();
    }

    @Command(name = "io", description = "Write (0xab) or read -s bytes at each offset of --offsets.")
    static final class Io implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--write", description = "write (then flush at close); default: read")
        boolean write;
        @Option(names = "-s", required = true, description = "request size (4k, 1M, ...)")
        String size;
        @Option(names = "--offsets", required = true)
        Path offsets;
        @Parameters(index = "0")
        Path image;

        @Override
        public Integer call() throws Exception {
            long[] at = offsets(offsets);
            byte[] data = new byte[(int) Sizes.parse(size)];
            Arrays.fill(data, (byte) 0xab);
            return timed(spec, () -> {
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

    @Command(name = "snapshot", description = "Create (-c) or delete (-d, ID first, then name) one snapshot.")
    static final class Snapshot implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-c", description = "create with this name")
        String create;
        @Option(names = "-d", description = "delete this snapshot")
        String delete;
        @Parameters(index = "0")
        Path image;

        @Override
        public Integer call() throws Exception {
            return timed(spec, () -> {
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

    @Command(name = "check", description = "Check the image (no repair); exits 1 unless it is clean.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0")
        Path image;

        @Override
        public Integer call() throws Exception {
            CheckResult[] result = new CheckResult[1];
            timed(spec, () -> {
                try (Qcow2Image qcow2 = Qcow2Image.open(image, false)) {
                    result[0] = qcow2.check();
                }
            });
            return result[0].exitStatus() == 0 ? 0 : 1;
        }
    }

    @Command(name = "fill-snapshots", description = "Setup: N times, write one cluster at a new place, snapshot.")
    static final class FillSnapshots implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0")
        int count;
        @Parameters(index = "1")
        Path image;

        @Override
        public Integer call() throws Exception {
            return timed(spec, () -> {
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
