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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn-img}: a small qemu-img look-alike over the Cairn qcow2 engine (create, info,
 * check, snapshot, convert, commit, rebase, compare, map), plus {@code delta export|apply|verify} (docs/delta-format.md). Exit codes follow qemu-img: 0 success, 1 failure; check uses
 * 0 clean, 2 corrupt, 3 leaks only; compare 0 equal, 1 different, 2 error.
 */
@Command(name = "cairn-img", mixinStandardHelpOptions = true)
public final class CairnImg {

    /**
     * The subcommands, by name. Picocli inspects every class it is given when the command line is
     * built (about 50 ms of each run's start for all of them, measured), so {@link #main} registers only the
     * one named by the first argument.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("create", Create::new);
        SUBCOMMANDS.put("info", Info::new);
        SUBCOMMANDS.put("check", Check::new);
        SUBCOMMANDS.put("snapshot", Snapshot::new);
        SUBCOMMANDS.put("convert", Convert::new);
        SUBCOMMANDS.put("commit", ChainCommands.Commit::new);
        SUBCOMMANDS.put("rebase", ChainCommands.Rebase::new);
        SUBCOMMANDS.put("compare", ChainCommands.Compare::new);
        SUBCOMMANDS.put("map", ChainCommands.Map::new);
        SUBCOMMANDS.put("delta", DeltaCommand::new);
        SUBCOMMANDS.put("bench", BenchCommand::new);
    }

    public static void main(String[] args) {
        EnginePreload.start(args);
        String first = args.length > 0 ? args[0] : "";
        System.exit(commandLine(SUBCOMMANDS.containsKey(first) ? first : null).execute(args));
    }

    /** The command line with every subcommand, engine exceptions mapped to exit code 1 and a one-line message. */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /** As {@link #commandLine()}, with only subcommand {@code only} when it is not null. */
    static CommandLine commandLine(String only) {
        CommandLine commandLine = new CommandLine(new CairnImg());
        for (Map.Entry<String, Supplier<Object>> subcommand : SUBCOMMANDS.entrySet()) {
            if (only == null || only.equals(subcommand.getKey())) {
                commandLine.addSubcommand(subcommand.getKey(), subcommand.getValue().get());
            }
        }
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("cairn-img: " + error.getMessage());
            return 1;
        });
        return commandLine;
    }

    @Command(name = "create", description = "Create a qcow2 image.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-f", defaultValue = "qcow2", description = "format (qcow2 only)")
        String format;
        @Option(names = "-o", split = ",", description = "cluster_size, refcount_bits, lazy_refcounts, compat")
        java.util.List<String> options = new java.util.ArrayList<>();
        @Option(names = "-b", description = "backing file")
        String backing = "";
        @Option(names = "-F", description = "backing format")
        String backingFormat = "";
        @Parameters(index = "0")
        Path file;
        @Parameters(index = "1", arity = "0..1")
        String size;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("qcow2")) {
                throw new IllegalArgumentException("only -f qcow2 is supported");
            }
            Qcow2CreateOptions create = Qcow2CreateOptions.ofCapacity(size == null ? 0 : Sizes.parse(size));
            for (String option : options) {
                create = CreateOptionParser.apply(create, option);
            }
            if (!backing.isEmpty()) {
                create = create.withBacking(backing, backingFormat);
            }
            try (Qcow2Image image = Qcow2Image.create(file, create)) {
                spec.commandLine().getOut().printf("Formatting '%s', fmt=qcow2 cluster_size=%d size=%d%n", file,
                        image.clusterSize(), image.capacityBytes());
            }
            return 0;
        }
    }

    @Command(name = "info", description = "Show image information.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--output", defaultValue = "human")
        String output;
        @Parameters(index = "0")
        Path file;

        @Override
        public Integer call() throws Exception {
            try (Qcow2Image image = Qcow2Image.open(file, false)) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(output.equals("json") ? ImageInfo.json(file, image) : ImageInfo.human(file, image));
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "check", description = "Check (and optionally repair) an image.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "-r", description = "leaks | all")
        String repair;
        @Option(names = "--output", defaultValue = "human")
        String output;
        @Parameters(index = "0")
        Path file;

        @Override
        public Integer call() throws Exception {
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
            PrintWriter out = spec.commandLine().getOut();
            out.print(output.equals("json") ? ImageInfo.checkJson(file, result) : ImageInfo.checkHuman(result));
            out.flush();
            return result.exitStatus();
        }
    }

    @Command(name = "snapshot", description = "List, create, apply or delete internal snapshots.")
    static final class Snapshot implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Action action;
        @Parameters(index = "0")
        Path file;

        static final class Action {
            @Option(names = "-l", description = "list")
            boolean list;
            @Option(names = "-c", description = "create")
            String create;
            @Option(names = "-a", description = "apply (ID first, then name)")
            String apply;
            @Option(names = "-d", description = "delete (ID first, then name)")
            String delete;
        }

        @Override
        public Integer call() throws Exception {
            try (Qcow2Image image = Qcow2Image.open(file, !action.list)) {
                if (action.list) {
                    printList(image);
                } else if (action.create != null) {
                    image.createSnapshot("", action.create);
                } else if (action.apply != null) {
                    image.applySnapshot(action.apply);
                } else {
                    image.deleteSnapshot(action.delete);
                }
            }
            return 0;
        }

        private void printList(Qcow2Image image) {
            if (image.snapshots().isEmpty()) {
                return;
            }
            PrintWriter out = spec.commandLine().getOut();
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

    @Command(name = "convert", description = "Convert raw <-> qcow2 (-l exports a snapshot, -c compresses).")
    static final class Convert implements Callable<Integer> {
        @Option(names = "-f", required = true, description = "source format: raw | qcow2")
        String sourceFormat;
        @Option(names = "-O", required = true, description = "output format: raw | qcow2")
        String targetFormat;
        @Option(names = "-l", description = "snapshot ID or name to export (qcow2 -> raw)")
        String snapshot;
        @Option(names = "-c", description = "compress every cluster (raw -> qcow2)")
        boolean compress;
        @Option(names = "-t", defaultValue = "writeback", description = "output cache mode: writeback (default: "
                + "forced once at the end) | unsafe (never forced, qemu-img convert's default)")
        String cache;
        @Parameters(index = "0")
        Path source;
        @Parameters(index = "1")
        Path target;

        @Override
        public Integer call() throws Exception {
            if (!cache.equals("writeback") && !cache.equals("unsafe")) {
                throw new IllegalArgumentException("supported cache modes: writeback, unsafe");
            }
            WriteOrdering ordering = cache.equals("unsafe") ? WriteOrdering.UNSYNCED : WriteOrdering.DEFERRED_TO_CLOSE;
            if (sourceFormat.equals("raw") && targetFormat.equals("qcow2")) {
                Qcow2Convert.rawToQcow2(source, target, Qcow2CreateOptions.ofCapacity(0), compress, ordering);
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
