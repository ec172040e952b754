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
import picocli.CommandLine.Model.CommandSpec;

/** {@code cairn-img delta export|apply|verify}: delta streams (docs/delta-format.md) of qcow2 files. */
final class DeltaCommand {

    /** "-" names standard input or output. */
    private static final String STANDARD = "-";

    private DeltaCommand() {
    }

    /** {@code delta} with its three subcommands. */
    static CommandSpec group() {
        return Subcommand.group("delta", "Export, apply or verify delta streams between internal snapshots.",
                new Export(), new Apply(), new Verify());
    }

    /** {@code delta export [--from SNAPSHOT] --to SNAPSHOT IMAGE [OUTPUT]}. */
    static final class Export extends Subcommand {
        Export() {
            super("export", "Write the delta from --from (none: a full image) to --to.");
            option("--from", "from", "base snapshot, ID or name; absent: a full image");
            requiredOption("--to", "to", "target snapshot, ID or name");
            parameter("image", "the qcow2 image");
            optionalParameter("output", "output file, or - (the default) for stdout");
        }

        @Override
        int run() throws Exception {
            String from = value("--from", null);
            String to = value("--to", null);
            Path image = path(0);
            String output = parameter(1, STANDARD);
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

    /** {@code delta apply IMAGE [INPUT]}. */
    static final class Apply extends Subcommand {
        Apply() {
            super("apply", "Apply a delta to a qcow2 image (a full one creates the image).");
            parameter("image", "the qcow2 image");
            optionalParameter("input", "the delta file, or - (the default) for stdin");
        }

        @Override
        int run() throws Exception {
            Path image = path(0);
            String input = parameter(1, STANDARD);
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
            PrintWriter out = out();
            out.printf("applied: snapshot %s '%s' created in %s%n", created.id(), created.name(), image);
            out.flush();
            return 0;
        }
    }

    /** {@code delta verify [INPUT]}. */
    static final class Verify extends Subcommand {
        Verify() {
            super("verify", "Check a whole delta stream; exit 0 when it is complete and valid.");
            optionalParameter("input", "the delta file, or - (the default) for stdin");
        }

        @Override
        int run() throws Exception {
            String input = parameter(0, STANDARD);
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
                PrintWriter out = out();
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
