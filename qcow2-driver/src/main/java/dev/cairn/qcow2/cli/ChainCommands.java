package dev.cairn.qcow2.cli;

import dev.cairn.pool.spi.Progress;
import dev.cairn.qcow2.Qcow2Chain;
import dev.cairn.qcow2.Qcow2Compare;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Map;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code cairn-img} subcommands over backing chains and guest content, with qemu-img's argument
 * shapes and messages (qemu-img.rst): {@code commit}, {@code rebase}, {@code compare} and
 * {@code map}.
 */
final class ChainCommands {

    private ChainCommands() {
    }

    /** {@code commit [-f qcow2] [-p] FILE}. */
    static final class Commit extends Subcommand {
        Commit() {
            super("commit", "Write an overlay's clusters into its backing file and empty it.");
            qcow2FormatOption();
            flag("-p", "show progress");
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            ProgressLine line = given("-p") ? new ProgressLine(out()) : null;
            Qcow2Chain.commit(path(0), line == null ? Progress.NONE : line);
            if (line != null) {
                line.finish();
            }
            out().println("Image committed.");
            out().flush();
            return 0;
        }
    }

    /** {@code rebase [-f qcow2] [-u] [-p] -b BACKING [-F FMT] FILE}. */
    static final class Rebase extends Subcommand {
        Rebase() {
            super("rebase", "Change the backing file (-b \"\" flattens; -u rewrites the header only).");
            qcow2FormatOption();
            flag("-u", "unsafe: change the name only, copy nothing");
            requiredOption("-b", "backing", "new backing file, relative to the image's directory");
            option("-F", "backingFormat", "new backing format: qcow2 | raw (probed if absent)");
            flag("-p", "show progress");
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            Path file = path(0);
            String backing = value("-b", null);
            String backingFormat = value("-F", "");
            if (!backing.isEmpty() && backingFormat.isEmpty()) {
                backingFormat = Qcow2Image.probeFormat(file.toAbsolutePath().getParent().resolve(backing));
            }
            ProgressLine line = given("-p") ? new ProgressLine(out()) : null;
            Qcow2Chain.rebase(file, backing, backingFormat, given("-u"), line == null ? Progress.NONE : line);
            if (line != null) {
                line.finish();
                out().flush();
            }
            return 0;
        }
    }

    /** {@code compare [-f FMT] [-F FMT] [-q] [-U] FIRST SECOND}. */
    static final class Compare extends Subcommand {
        Compare() {
            super("compare", "Compare guest content: exit 0 equal, 1 different, 2 error.");
            option("-f", "firstFormat", "format of the first image (probed if absent)");
            option("-F", "secondFormat", "format of the second image (probed if absent)");
            flag("-q", "quiet: exit status only");
            forceShareFlag();
            parameter("first");
            parameter("second");
        }

        @Override
        int run() {
            Qcow2Compare.Result result;
            try {
                result = Qcow2Compare.compare(path(0), value("-f", ""), path(1), value("-F", ""));
            } catch (Exception e) {
                err().println("cairn-img: " + CairnImg.message(e));
                return 2;
            }
            if (!given("-q")) {
                PrintWriter out = out();
                if (result.sizesDiffer()) {
                    out.println("Warning: Image size mismatch!");
                }
                out.println(result.identical() ? "Images are identical."
                        : "Content mismatch at offset " + result.mismatchOffset() + "!");
                out.flush();
            }
            return result.identical() ? 0 : 1;
        }
    }

    /** {@code map [-f qcow2] [-U] [--output=human|json] FILE}. */
    static final class Map extends Subcommand {
        Map() {
            super("map", "Print where each guest range comes from.");
            qcow2FormatOption();
            option("--output", "output", "human (the default: the ranges holding data, and their file) | json");
            forceShareFlag();
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            String output = value("--output", "human");
            if (!output.equals("json") && !output.equals("human")) {
                throw new IllegalArgumentException("--output must be human or json");
            }
            Path file = path(0);
            List<Qcow2Map.Range> ranges;
            List<String> files = new ArrayList<>(List.of(file.toString()));
            try (Qcow2Image image = Qcow2Image.open(file, false)) {
                ranges = Qcow2Map.of(image);
                // The name of each layer of the chain, as qemu-img names them (the chain was checked on open).
                Path layer = file;
                for (String backing = image.header().backingFileName(); !backing.isEmpty();) {
                    layer = Path.of(ImageInfo.fullBackingName(layer, backing));
                    files.add(layer.toString());
                    backing = Qcow2Image.probeFormat(layer).equals("qcow2") ? backingName(layer) : "";
                }
            }
            PrintWriter out = out();
            if (output.equals("json")) {
                out.print(Qcow2Map.json(ranges));
                out.flush();
                return 0;
            }
            out.printf("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File");
            for (Qcow2Map.Range range : ranges) {
                if (!range.data() || range.zero()) {
                    continue;
                }
                if (range.hostOffset() < 0) {
                    out.flush();
                    throw new IllegalArgumentException("File contains external, encrypted or compressed clusters.");
                }
                out.printf("%-16s%-16s%-16s%s%n", hex(range.start()), hex(range.length()), hex(range.hostOffset()),
                        files.get(range.depth()));
            }
            out.flush();
            return 0;
        }

        private static String backingName(Path image) throws IOException {
            try (Qcow2Image layer = Qcow2Image.open(image, false)) {
                return layer.header().backingFileName();
            }
        }

        /** C's {@code %#x}: 0x and lower-case hex, but a bare 0. */
        private static String hex(long value) {
            return value == 0 ? "0" : "0x" + Long.toHexString(value);
        }
    }
}
