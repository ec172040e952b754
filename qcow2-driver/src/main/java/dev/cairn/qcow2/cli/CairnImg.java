package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.CheckResult;
import dev.cairn.qcow2.Qcow2Convert;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.Qcow2Snapshot;
import dev.cairn.qcow2.RepairMode;
import dev.cairn.qcow2.WriteOrdering;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code cairn-img}: a small qemu-img look-alike over the Cairn qcow2 engine (create, info,
 * check, snapshot, convert, commit, rebase, compare, map), plus {@code delta export|apply|verify}
 * (docs/delta-format.md). Exit codes follow qemu-img: 0 success, 1 failure; check uses 0 clean, 2
 * corrupt, 3 leaks only; compare 0 equal, 1 different, 2 error; picocli's 2 for a usage error. Each
 * command's model is declared in code ({@link Subcommand} says why).
 */
public final class CairnImg {

    /** The subcommands' names, in the order {@code --help} lists them. */
    static final List<String> SUBCOMMANDS = List.of("create", "info", "check", "snapshot", "convert", "commit",
            "rebase", "compare", "map", "delta", "bench");

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
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("cairn-img: " + error.getMessage());
            return 1;
        });
        return commandLine;
    }

    /** {@code create -f qcow2 [-o ...] [-b BACKING -F FMT] FILE [SIZE]}. */
    static final class Create extends Subcommand {
        Create() {
            super("create", "Create a qcow2 image.");
            option("-f", "format", "format (qcow2 only)");
            spec().addOption(OptionSpec.builder("-o").type(List.class).auxiliaryTypes(String.class).splitRegex(",")
                    .paramLabel("<options>").description("cluster_size, refcount_bits, lazy_refcounts, compat")
                    .build());
            option("-b", "backing", "backing file");
            option("-F", "backingFormat", "backing format");
            parameter("file");
            optionalParameter("size", "virtual size (512, 64K, 10G, ...)");
        }

        @Override
        int run() throws Exception {
            if (!value("-f", "qcow2").equals("qcow2")) {
                throw new IllegalArgumentException("only -f qcow2 is supported");
            }
            Path file = path(0);
            String size = parameter(1, null);
            Qcow2CreateOptions create = Qcow2CreateOptions.ofCapacity(size == null ? 0 : Sizes.parse(size));
            for (String option : this.<List<String>>value("-o", List.of())) {
                create = CreateOptionParser.apply(create, option);
            }
            String backing = value("-b", "");
            if (!backing.isEmpty()) {
                create = create.withBacking(backing, value("-F", ""));
            }
            try (Qcow2Image image = Qcow2Image.create(file, create)) {
                out().printf("Formatting '%s', fmt=qcow2 cluster_size=%d size=%d%n", file, image.clusterSize(),
                        image.capacityBytes());
            }
            out().flush();
            return 0;
        }
    }

    /** {@code info [--output=json] FILE}. */
    static final class Info extends Subcommand {
        Info() {
            super("info", "Show image information.");
            option("--output", "output", "human (the default) | json");
            parameter("file");
        }

        @Override
        int run() throws Exception {
            Path file = path(0);
            try (Qcow2Image image = Qcow2Image.open(file, false)) {
                PrintWriter out = out();
                out.print(value("--output", "human").equals("json") ? ImageInfo.json(file, image)
                        : ImageInfo.human(file, image));
                out.flush();
            }
            return 0;
        }
    }

    /** {@code check [-r leaks|all] [--output=json] FILE}. */
    static final class Check extends Subcommand {
        Check() {
            super("check", "Check (and optionally repair) an image.");
            option("-r", "repair", "leaks | all");
            option("--output", "output", "human (the default) | json");
            parameter("file");
        }

        @Override
        int run() throws Exception {
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
            PrintWriter out = out();
            out.print(value("--output", "human").equals("json") ? ImageInfo.checkJson(file, result)
                    : ImageInfo.checkHuman(result));
            out.flush();
            return result.exitStatus();
        }
    }

    /** {@code snapshot -l|-c NAME|-a SNAPSHOT|-d SNAPSHOT FILE}. */
    static final class Snapshot extends Subcommand {
        Snapshot() {
            super("snapshot", "List, create, apply or delete internal snapshots.");
            exactlyOneOf(flagSpec("-l", "list"), valuedSpec("-c", "create", "create"),
                    valuedSpec("-a", "apply", "apply (ID first, then name)"),
                    valuedSpec("-d", "delete", "delete (ID first, then name)"));
            parameter("file");
        }

        @Override
        int run() throws Exception {
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
            if (image.snapshots().isEmpty()) {
                return;
            }
            PrintWriter out = out();
            DateTimeFormatter date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
            out.println("Snapshot list:");
            out.printf("%-10s%-17s%8s%20s%13s%11s%n", "ID", "TAG", "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
            for (Qcow2Snapshot snapshot : image.snapshots()) {
                out.printf("%-9s %-16s %8s%20s%13s%11s%n", snapshot.id(), snapshot.name(),
                        snapshot.vmStateSizeBytes() + " B", date.format(snapshot.createdAt()), "00:00:00.000",
                        snapshot.icount() < 0 ? "" : Long.toString(snapshot.icount()));
            }
            out.flush();
        }
    }

    /** {@code convert -f FMT -O FMT [-c] [-t CACHE] [-l SNAPSHOT] SOURCE TARGET}. */
    static final class Convert extends Subcommand {
        Convert() {
            super("convert", "Convert raw <-> qcow2 (-l exports a snapshot, -c compresses).");
            requiredOption("-f", "sourceFormat", "source format: raw | qcow2");
            requiredOption("-O", "targetFormat", "output format: raw | qcow2");
            option("-l", "snapshot", "snapshot ID or name to export (qcow2 -> raw)");
            flag("-c", "compress every cluster (raw -> qcow2)");
            option("-t", "cache", "output cache mode: writeback (default: forced once at the end) | unsafe "
                    + "(never forced, qemu-img convert's default)");
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
            String sourceFormat = value("-f", null);
            String targetFormat = value("-O", null);
            Path source = path(0);
            Path target = path(1);
            String snapshot = value("-l", null);
            if (sourceFormat.equals("raw") && targetFormat.equals("qcow2")) {
                Qcow2Convert.rawToQcow2(source, target, Qcow2CreateOptions.ofCapacity(0), given("-c"), ordering);
            } else if (sourceFormat.equals("qcow2") && targetFormat.equals("raw")) {
                if (snapshot == null) {
                    Qcow2Convert.toRaw(source, target, ordering);
                } else {
                    Qcow2Convert.snapshotToRaw(source, snapshot.replaceFirst("^snapshot\\.(name|id)=", ""), target,
                            ordering);
                }
            } else {
                throw new IllegalArgumentException("supported conversions: raw -> qcow2, qcow2 -> raw");
            }
            return 0;
        }
    }
}
