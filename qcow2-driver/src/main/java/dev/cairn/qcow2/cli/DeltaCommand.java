package dev.cairn.qcow2.cli;

import dev.cairn.pool.delta.DeltaHeader;
import dev.cairn.pool.delta.DeltaReader;
import dev.cairn.pool.delta.DeltaRecord;
import dev.cairn.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn-img delta export|apply|verify}: delta streams (docs/delta-format.md) of qcow2 files. */
@Command(name = "delta", description = "Export, apply or verify delta streams between internal snapshots.",
        subcommands = {DeltaCommand.Export.class, DeltaCommand.Apply.class, DeltaCommand.Verify.class})
final class DeltaCommand {

    /** "-" names standard input or output. */
    private static final String STANDARD = "-";

    @Command(name = "export", description = "Write the delta from --from (none: a full image) to --to.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--from", description = "base snapshot, ID or name; absent: a full image")
        String from;
        @Option(names = "--to", required = true, description = "target snapshot, ID or name")
        String to;
        @Parameters(index = "0", description = "the qcow2 image")
        Path image;
        @Parameters(index = "1", arity = "0..1", description = "output file, or - (the default) for stdout")
        String output = STANDARD;

        @Override
        public Integer call() throws Exception {
            if (output.equals(STANDARD)) {
                FileDeltas.export(image, from, to, System.out);
                return 0;
            }
            Path file = Path.of(output);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                FileDeltas.export(image, from, to, out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return 0;
        }
    }

    @Command(name = "apply", description = "Apply a delta to a qcow2 image (a full one creates the image).")
    static final class Apply implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "the qcow2 image")
        Path image;
        @Parameters(index = "1", arity = "0..1", description = "the delta file, or - (the default) for stdin")
        String input = STANDARD;

        @Override
        public Integer call() throws Exception {
            Qcow2Snapshot created;
            if (input.equals(STANDARD)) {
                // Standard input can be read once: stage it next to the image, then read the copy twice.
                Path directory = image.toAbsolutePath().getParent();
                Path staged = Files.createTempFile(directory, "." + image.getFileName() + ".", ".delta");
                try {
                    Files.copy(System.in, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    created = FileDeltaApply.apply(image, staged);
                } finally {
                    Files.deleteIfExists(staged);
                }
            } else {
                created = FileDeltaApply.apply(image, Path.of(input));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("applied: snapshot %s '%s' created in %s%n", created.id(), created.name(), image);
            out.flush();
            return 0;
        }
    }

    @Command(name = "verify", description = "Check a whole delta stream; exit 0 when it is complete and valid.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", arity = "0..1", description = "the delta file, or - (the default) for stdin")
        String input = STANDARD;

        @Override
        public Integer call() throws Exception {
            try (InputStream in = input.equals(STANDARD) ? System.in
                    : new java.io.BufferedInputStream(Files.newInputStream(Path.of(input)), 1 << 20)) {
                DeltaReader reader = new DeltaReader(in);
                DeltaHeader header = reader.header();
                long dataBytes = 0;
                long zeroBytes = 0;
                for (Optional<DeltaRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
                    if (r.get() instanceof DeltaRecord.Data data) {
                        dataBytes += data.lengthBytes();
                    } else if (r.get() instanceof DeltaRecord.Zero zero) {
                        zeroBytes += zero.lengthBytes();
                    }
                }
                PrintWriter out = spec.commandLine().getOut();
                out.printf("valid delta: %s to '%s' (%s), capacity %d bytes, %d records, %d data bytes, "
                                + "%d zero bytes%n",
                        header.base().map(b -> "from '" + b.name() + "' (" + b.id() + ")").orElse("full image"),
                        header.target().name(), header.target().id(), header.capacityBytes(), reader.recordCount(),
                        dataBytes, zeroBytes);
                out.flush();
            }
            return 0;
        }
    }
}
