package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2Chain;
import dev.cairn.qcow2.Qcow2Compare;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Map;
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
            progressFlag();
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            ProgressLine progress = progress();
            Qcow2Chain.commit(path(0), progress);
            progress.finish();
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
            progressFlag();
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
            ProgressLine progress = progress();
            Qcow2Chain.rebase(file, backing, backingFormat, given("-u"), progress);
            progress.finish();
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
            List<List<Qcow2Map.Range>> ranges = new ArrayList<>();
            List<String> files = new ArrayList<>(); // each layer's name, for the human table
            ImageInfo.forEachLayer(path(0), "qcow2", output.equals("human"), (file, image) -> {
                if (ranges.isEmpty()) {
                    ranges.add(Qcow2Map.of(image));
                }
                files.add(file.toString());
            });
            PrintWriter out = out();
            if (output.equals("json")) {
                out.print(Qcow2Map.json(ranges.get(0)));
                out.flush();
                return 0;
            }
            out.printf("%-16s%-16s%-16s%s%n", "Offset", "Length", "Mapped to", "File");
            for (Qcow2Map.Range range : ranges.get(0)) {
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

        /** C's {@code %#x}: 0x and lower-case hex, but a bare 0. */
        private static String hex(long value) {
            return value == 0 ? "0" : "0x" + Long.toHexString(value);
        }
    }
}
