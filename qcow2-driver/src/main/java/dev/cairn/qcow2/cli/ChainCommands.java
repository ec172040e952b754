package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2Chain;
import dev.cairn.qcow2.Qcow2Compare;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Map;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn-img} subcommands over backing chains and guest content, with qemu-img's argument
 * shapes and messages (qemu-img.rst): {@code commit}, {@code rebase}, {@code compare} and
 * {@code map --output=json}.
 */
final class ChainCommands {

    private ChainCommands() {
    }

    private static void requireQcow2(String format) {
        if (!format.equals("qcow2")) {
            throw new IllegalArgumentException("only -f qcow2 is supported here");
        }
    }

    @Command(name = "commit", description = "Write an overlay's clusters into its backing file and empty it.")
    static final class Commit implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-f", defaultValue = "qcow2", description = "image format (qcow2 only)")
        String format;
        @Parameters(index = "0")
        Path file;

        @Override
        public Integer call() throws Exception {
            requireQcow2(format);
            Qcow2Chain.commit(file);
            spec.commandLine().getOut().println("Image committed.");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rebase", description = "Change the backing file (-b \"\" flattens; -u rewrites the header only).")
    static final class Rebase implements Callable<Integer> {
        @Option(names = "-f", defaultValue = "qcow2", description = "image format (qcow2 only)")
        String format;
        @Option(names = "-u", description = "unsafe: change the name only, copy nothing")
        boolean unsafe;
        @Option(names = "-b", required = true, description = "new backing file, relative to the image's directory")
        String backing;
        @Option(names = "-F", defaultValue = "", description = "new backing format: qcow2 | raw (probed if absent)")
        String backingFormat;
        @Parameters(index = "0")
        Path file;

        @Override
        public Integer call() throws Exception {
            requireQcow2(format);
            String backingFormatOrProbed = backingFormat;
            if (!backing.isEmpty() && backingFormat.isEmpty()) {
                Path resolved = file.toAbsolutePath().getParent().resolve(backing);
                backingFormatOrProbed = Qcow2Image.probeFormat(resolved);
            }
            Qcow2Chain.rebase(file, backing, backingFormatOrProbed, unsafe);
            return 0;
        }
    }

    @Command(name = "compare", description = "Compare guest content: exit 0 equal, 1 different, 2 error.")
    static final class Compare implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-f", defaultValue = "", description = "format of the first image (probed if absent)")
        String firstFormat;
        @Option(names = "-F", defaultValue = "", description = "format of the second image (probed if absent)")
        String secondFormat;
        @Option(names = "-q", description = "quiet: exit status only")
        boolean quiet;
        @Parameters(index = "0")
        Path first;
        @Parameters(index = "1")
        Path second;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Qcow2Compare.Result result;
            try {
                result = Qcow2Compare.compare(first, firstFormat, second, secondFormat);
            } catch (Exception e) {
                spec.commandLine().getErr().println("cairn-img: " + e.getMessage());
                return 2;
            }
            if (!quiet) {
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

    @Command(name = "map", description = "Print where each guest range comes from (--output=json).")
    static final class Map implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-f", defaultValue = "qcow2", description = "image format (qcow2 only)")
        String format;
        @Option(names = "--output", required = true, description = "json (the only output supported)")
        String output;
        @Parameters(index = "0")
        Path file;

        @Override
        public Integer call() throws Exception {
            requireQcow2(format);
            if (!output.equals("json")) {
                throw new IllegalArgumentException("only --output=json is supported");
            }
            try (Qcow2Image image = Qcow2Image.open(file, false)) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(Qcow2Map.json(Qcow2Map.of(image)));
                out.flush();
            }
            return 0;
        }
    }
}
