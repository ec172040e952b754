package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2Convert;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.RawFiles;
import dev.cairn.qcow2.RepairMode;
import dev.cairn.qcow2.WriteOrdering;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code cairn-img}: a small qemu-img look-alike over the Cairn qcow2 engine (create, info,
 * check, snapshot, convert, resize, commit, rebase, compare, map), plus {@code delta export|apply|verify}
 * (docs/delta-format.md). Exit codes follow qemu-img: 0 success, 1 failure; check uses 0 clean, 2
 * corrupt, 3 leaks only; compare 0 equal, 1 different, 2 error; picocli's 2 for a usage error. Each
 * command's model is declared in code ({@link Subcommand} says why).
 */
public final class CairnImg {

    /** The subcommands' names, in the order {@code --help} lists them. */
    static final List<String> SUBCOMMANDS = List.of("create", "info", "check", "snapshot", "convert", "resize",
            "commit", "rebase", "compare", "map", "delta", "bench");

    private CairnImg() {
    }

    /**
     * The model of the subcommand {@code name}. Building one is work done at every start, so
     * {@link #main} builds only the one named by the first argument.
     */
    private static CommandSpec subcommand(String name) {
        switch (name) {
            case "create":
                return new Create().spec();
            case "info":
                return new Info().spec();
            case "check":
                return new Check().spec();
            case "snapshot":
                return new Snapshot().spec();
            case "convert":
                return new Convert().spec();
            case "resize":
                return new Resize().spec();
            case "commit":
                return new ChainCommands.Commit().spec();
            case "rebase":
                return new ChainCommands.Rebase().spec();
            case "compare":
                return new ChainCommands.Compare().spec();
            case "map":
                return new ChainCommands.Map().spec();
            case "delta":
                return DeltaCommand.group();
            case "bench":
                return BenchCommand.group();
            default:
                throw new IllegalArgumentException("no subcommand " + name);
        }
    }

    public static void main(String[] args) {
        EnginePreload.start(args);
        String first = args.length > 0 ? args[0] : "";
        System.exit(commandLine(SUBCOMMANDS.contains(first) ? first : null).execute(args));
    }

    /** The command line with every subcommand, engine exceptions mapped to exit code 1 and a one-line message. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /** As {@link #commandLine()}, with only subcommand {@code only} when it is not null. */
    static CommandLine commandLine(String only) {
        CommandSpec top = CommandSpec.create().name("cairn-img");
        top.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .description("Show this help message and exit.").build());
        top.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .description("Print version information and exit.").build());
        String version = CairnImg.class.getPackage().getImplementationVersion();
        top.version("cairn-img " + (version == null ? "(development build)" : version));
        for (String name : SUBCOMMANDS) {
            if (only == null || only.equals(name)) {
                top.addSubcommand(name, subcommand(name));
            }
        }
        CommandLine commandLine = new CommandLine(top);
        CommandLine resize = commandLine.getSubcommands().get("resize");
        if (resize != null) {
            // "resize FILE -1G": a negative size is an argument, as qemu-img reads it, not an unknown option.
            resize.setUnmatchedOptionsArePositionalParams(true);
        }
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("cairn-img: " + message(error));
            return 1;
        });
        return commandLine;
    }

    /**
     * One line for a failed command. The file system's exceptions carry only a file name as their
     * message; they read "Could not open 'FILE': REASON", as qemu-img's do.
     */
    static String message(Exception error) {
        if (error instanceof FileSystemException file) {
            String reason = file.getReason() != null ? file.getReason()
                    : error instanceof NoSuchFileException ? "No such file or directory"
                    : error instanceof AccessDeniedException ? "Permission denied"
                    : error instanceof FileAlreadyExistsException ? "File exists" : error.getClass().getSimpleName();
            return "Could not open '" + file.getFile() + "': " + reason;
        }
        return error.getMessage() != null ? error.getMessage() : error.toString();
    }

    /** {@code create [-f qcow2|raw] [-o ...] [-b BACKING -F FMT] FILE [SIZE]}. */
    static final class Create extends Subcommand {
        Create() {
            super("create", "Create a qcow2 image or a sparse raw file.");
            option("-f", "format", "qcow2 (the default) | raw");
            createOptionsOption("cluster_size, refcount_bits, lazy_refcounts, compat");
            option("-b", "backing", "backing file");
            option("-F", "backingFormat", "backing format");
            parameter("file");
            optionalParameter("size", "virtual size (512, 64K, 10G, ...)");
        }

        @Override
        int run() throws Exception {
            String format = value("-f", "qcow2");
            Path file = path(0);
            String size = parameter(1, null);
            List<String> options = this.<List<String>>value("-o", List.of());
            String backing = value("-b", "");
            if (format.equals("raw")) {
                if (!options.isEmpty() || !backing.isEmpty()) {
                    throw new IllegalArgumentException("a raw file takes no -o options and no backing file");
                }
                return createRaw(file, size);
            }
            if (!format.equals("qcow2")) {
                throw new IllegalArgumentException("unsupported format '" + format + "' (qcow2 or raw)");
            }
            long capacity = size == null ? 0 : Sizes.parse(size);
            Qcow2CreateOptions create = createOptions(Qcow2CreateOptions.ofCapacity(capacity));
            String compat = null; // as given, for the Formatting line
            for (String option : options) {
                if (option.startsWith("compat=")) {
                    compat = option.substring("compat=".length());
                }
            }
            if (!backing.isEmpty()) {
                create = create.withBacking(backing, value("-F", ""));
            }
            if (size == null && create.backingFile().isEmpty()) {
                throw new IllegalArgumentException(file + ": Image creation needs a size parameter");
            }
            try (Qcow2Image image = Qcow2Image.create(file, create)) {
                // qemu-img's line: the size as asked for (not rounded), compat only when it was given.
                out().println("Formatting '" + file + "', fmt=qcow2 cluster_size=" + image.clusterSize()
                        + " extended_l2=off compression_type=zlib size="
                        + (size == null ? image.capacityBytes() : capacity)
                        + (create.backingFile().isEmpty() ? "" : " backing_file=" + create.backingFile()
                                + " backing_fmt=" + create.backingFormat())
                        + (compat == null ? "" : " compat=" + compat) + " lazy_refcounts="
                        + (create.lazyRefcounts() ? "on" : "off") + " refcount_bits=" + (1 << create.refcountOrder()));
            }
            out().flush();
            return 0;
        }

        /** A raw file of {@code size} bytes, all of it a hole ({@code qemu-img create -f raw}). */
        private int createRaw(Path file, String size) throws IOException {
            if (size == null) {
                throw new IllegalArgumentException(file + ": Image creation needs a size parameter");
            }
            long bytes = Sizes.parse(size);
            RawFiles.create(file, bytes);
            out().println("Formatting '" + file + "', fmt=raw size=" + bytes);
            out().flush();
            return 0;
        }
    }

    /** {@code info [-f FMT] [-U] [--backing-chain] [--output=json] FILE}. */
    static final class Info extends Subcommand {
        Info() {
            super("info", "Show image information (--backing-chain: every image of the chain).");
            option("-f", "format", "qcow2 | raw (probed if absent)");
            option("--output", "output", "human (the default) | json");
            flag("--backing-chain", "show the backing files too, top first");
            forceShareFlag();
            parameter("file");
        }

        @Override
        int run() throws Exception {
            boolean json = value("--output", "human").equals("json");
            boolean chain = given("--backing-chain");
            List<String> shown = new ArrayList<>();
            ImageInfo.forEachLayer(path(0), value("-f", ""), chain, (file, image) -> {
                if (image == null) {
                    shown.add(json ? ImageInfo.rawJson(file) : ImageInfo.rawHuman(file));
                } else {
                    shown.add(json ? ImageInfo.json(file, image) : ImageInfo.human(file, image));
                }
            });
            PrintWriter out = out();
            if (!chain) {
                out.print(shown.get(0));
            } else if (json) {
                out.print("[\n" + String.join(",\n", shown.stream().map(String::stripTrailing).toList()) + "\n]\n");
            } else {
                out.print(String.join("\n", shown));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code check [-f qcow2] [-U] [-r leaks|all] [--output=json] FILE}. */
    static final class Check extends Subcommand {
        Check() {
            super("check", "Check (and optionally repair) an image.");
            qcow2FormatOption();
            option("-r", "repair", "leaks | all");
            forceShareFlag();
            option("--output", "output", "human (the default) | json");
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            Path file = path(0);
            String repair = value("-r", null);
            CheckResult result;
            if (repair == null) {
                try (Qcow2Image image = Qcow2Image.open(file, false)) {
                    result = image.check();
                }
            } else {
                try (Qcow2Image image = Qcow2Image.openForRepair(file)) {
                    result = image.repair(repair.equals("all") ? RepairMode.ALL : RepairMode.LEAKS);
                }
            }
            PrintWriter err = err();
            result.messages().forEach(err::println); // qemu-img's messages go to standard error too
            err.flush();
            PrintWriter out = out();
            out.print(value("--output", "human").equals("json") ? ImageInfo.checkJson(file, result)
                    : ImageInfo.checkHuman(result));
            out.flush();
            return result.exitStatus();
        }
    }

    /** {@code snapshot [-f qcow2] [-U] -l|-c NAME|-a SNAPSHOT|-d SNAPSHOT FILE}. */
    static final class Snapshot extends Subcommand {
        Snapshot() {
            super("snapshot", "List, create, apply or delete internal snapshots.");
            exactlyOneOf(flagSpec("-l", "list"), valuedSpec("-c", "create", "create"),
                    valuedSpec("-a", "apply", "apply (ID first, then name)"),
                    valuedSpec("-d", "delete", "delete (ID first, then name)"));
            qcow2FormatOption();
            forceShareFlag();
            parameter("file");
        }

        @Override
        int run() throws Exception {
            requireQcow2Format();
            boolean list = given("-l");
            try (Qcow2Image image = Qcow2Image.open(path(0), !list)) {
                if (list) {
                    printList(image);
                } else if (given("-c")) {
                    image.createSnapshot("", value("-c", null));
                } else if (given("-a")) {
                    image.applySnapshot(value("-a", null));
                } else {
                    image.deleteSnapshot(value("-d", null));
                }
            }
            return 0;
        }

        private void printList(Qcow2Image image) {
            if (!image.snapshots().isEmpty()) {
                PrintWriter out = out();
                out.print(ImageInfo.snapshotTable(image.snapshots()));
                out.flush();
            }
        }
    }

    /** {@code resize [-f FMT] [--shrink] FILE [+|-]SIZE}. */
    static final class Resize extends Subcommand {
        Resize() {
            super("resize", "Change the virtual size (grow; a raw file shrinks with --shrink).");
            option("-f", "format", "qcow2 | raw (probed if absent)");
            flag("--shrink", "allow a raw file to shrink (what lies past the new end is lost)");
            parameter("file");
            spec().addPositional(PositionalParamSpec.builder().index("1").paramLabel("<size>").arity("1")
                    .required(true).description("new size, or +SIZE / -SIZE relative to the current one").build());
        }

        @Override
        int run() throws Exception {
            Path file = path(0);
            String format = formatOf(file);
            String size = parameter(1, null);
            if (format.equals("qcow2")) {
                try (Qcow2Image image = Qcow2Image.open(file, true)) {
                    long wanted = newSize(image.capacityBytes(), size);
                    if (wanted < image.capacityBytes()) {
                        throw new IllegalArgumentException("shrinking a qcow2 image is not supported ("
                                + image.capacityBytes() + " -> " + wanted + " bytes); grow it, or convert the "
                                + "part to keep");
                    }
                    image.resize(wanted);
                }
            } else if (format.equals("raw")) {
                long current = Files.size(file);
                long wanted = (newSize(current, size) + 511) & ~511L;
                if (wanted < current && !given("--shrink")) {
                    throw new IllegalArgumentException("shrinking loses what lies past the new end: give --shrink"
                            + " to do it anyway");
                }
                RawFiles.resize(file, wanted);
            } else {
                throw new IllegalArgumentException("unsupported format '" + format + "' (qcow2 or raw)");
            }
            out().println("Image resized.");
            out().flush();
            return 0;
        }

        /** {@code size} as qemu-img reads it: absolute, or relative to {@code current} with a sign. */
        private static long newSize(long current, String size) {
            if (size.startsWith("+")) {
                return Math.addExact(current, Sizes.parse(size.substring(1)));
            }
            if (size.startsWith("-")) {
                long smaller = current - Sizes.parse(size.substring(1));
                if (smaller < 0) {
                    throw new IllegalArgumentException("the image is only " + current + " bytes: " + size);
                }
                return smaller;
            }
            return Sizes.parse(size);
        }
    }

    /**
     * {@code convert [-f FMT] -O FMT [-c] [-o OPTIONS] [-l SNAPSHOT] [-t CACHE] [-p] [-U] SOURCE TARGET}:
     * raw and qcow2 either way, qcow2 to qcow2 (flattening the backing chain, or one snapshot with
     * {@code -l}) and raw to raw (sparse).
     */
    static final class Convert extends Subcommand {
        Convert() {
            super("convert", "Convert between raw and qcow2 (-l exports a snapshot, -c compresses).");
            option("-f", "sourceFormat", "source format: raw | qcow2 (probed if absent)");
            requiredOption("-O", "targetFormat", "output format: raw | qcow2");
            createOptionsOption("qcow2 output: cluster_size, refcount_bits, lazy_refcounts, compat");
            option("-l", "snapshot", "snapshot to export: snapshot.name=NAME, snapshot.id=ID, or ID or name");
            flag("-c", "compress every cluster (qcow2 output)");
            option("-t", "cache", "output cache mode: writeback (default: forced once at the end) | unsafe "
                    + "(never forced, qemu-img convert's default)");
            progressFlag();
            forceShareFlag();
            parameter("source");
            parameter("target");
        }

        @Override
        int run() throws Exception {
            String cache = value("-t", "writeback");
            if (!cache.equals("writeback") && !cache.equals("unsafe")) {
                throw new IllegalArgumentException("supported cache modes: writeback, unsafe");
            }
            WriteOrdering ordering = cache.equals("unsafe") ? WriteOrdering.UNSYNCED : WriteOrdering.DEFERRED_TO_CLOSE;
            Path source = path(0);
            Path target = path(1);
            String sourceFormat = formatOf(source);
            String targetFormat = value("-O", null);
            requireKnown(sourceFormat, "-f");
            requireKnown(targetFormat, "-O");
            boolean compress = given("-c");
            if (targetFormat.equals("raw") && (compress || given("-o"))) {
                throw new IllegalArgumentException("-c and -o apply to qcow2 output only");
            }
            String snapshot = value("-l", null);
            if (snapshot != null && !sourceFormat.equals("qcow2")) {
                throw new IllegalArgumentException("-l needs a qcow2 source: a raw file has no snapshots");
            }
            Qcow2CreateOptions create = createOptions(Qcow2CreateOptions.ofCapacity(0));
            if (!create.backingFile().isEmpty()) {
                throw new IllegalArgumentException("convert writes a standalone image: no backing_file option");
            }
            String snapshotRef = snapshot == null ? null : snapshotReference(source, snapshot);
            ProgressLine progress = progress();
            switch (sourceFormat + "->" + targetFormat) {
                case "raw->qcow2" -> Qcow2Convert.rawToQcow2(source, target, create, compress, ordering, progress);
                case "raw->raw" -> Qcow2Convert.rawToRaw(source, target, ordering, progress);
                case "qcow2->raw" -> {
                    if (snapshotRef == null) {
                        Qcow2Convert.toRaw(source, target, ordering, progress);
                    } else {
                        Qcow2Convert.snapshotToRaw(source, snapshotRef, target, ordering, progress);
                    }
                }
                default -> Qcow2Convert.toQcow2(source, snapshotRef, target, create, compress, ordering, progress);
            }
            progress.finish();
            return 0;
        }

        private static void requireKnown(String format, String option) {
            if (!format.equals("raw") && !format.equals("qcow2")) {
                throw new IllegalArgumentException("unsupported format " + option + " " + format + " (raw or qcow2)");
            }
        }

        /**
         * The snapshot {@code -l} names, as the engine looks it up (ID first, then name):
         * {@code snapshot.id=ID} and {@code snapshot.name=NAME} match only that field, as qemu-img's do;
         * a bare value is an ID or a name.
         */
        private static String snapshotReference(Path source, String argument) throws IOException {
            boolean byId = argument.startsWith("snapshot.id=");
            boolean byName = argument.startsWith("snapshot.name=");
            if (!byId && !byName) {
                return argument;
            }
            String wanted = argument.substring(argument.indexOf('=') + 1);
            try (Qcow2Image image = Qcow2Image.open(source, false)) {
                for (Qcow2Snapshot snapshot : image.snapshots()) {
                    if (wanted.equals(byId ? snapshot.id() : snapshot.name())) {
                        return snapshot.id();
                    }
                }
            }
            throw new IllegalArgumentException("no snapshot with " + (byId ? "ID '" : "name '") + wanted + "' in "
                    + source);
        }
    }
}
