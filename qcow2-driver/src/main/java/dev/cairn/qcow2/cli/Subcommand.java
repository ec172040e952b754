package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * One {@code cairn-img} command: its picocli model, declared in code by the constructor of each
 * subclass, and what it does with the arguments picocli matched ({@link #run}).
 *
 * <p>Why in code rather than with picocli's annotations: building a model from annotations makes the
 * JDK parse them through generated proxy classes and reflect on every field and its generic type, all
 * of it cold, interpreted work at the start of each run. A model declared here skips all of that: a
 * whole 1 MiB {@code convert} run took 159 ms against 197 ms with annotations (medians of 20
 * alternating runs; BENCHMARKS.md, "The tool's start"), and every run of the tool pays that start.
 */
abstract class Subcommand implements Callable<Integer> {

    private final CommandSpec spec;
    private int nextPosition;

    /** A command named {@code name}; its usage help shows {@code description}. */
    Subcommand(String name, String description) {
        spec = CommandSpec.wrapWithoutInspection(this).name(name);
        spec.usageMessage().description(description);
    }

    /** This command's model, as picocli parses and executes it. */
    final CommandSpec spec() {
        return spec;
    }

    /** Adds an optional option that takes a value (shown as {@code <label>}). */
    final void option(String name, String label, String description) {
        spec.addOption(valued(name, label, description).build());
    }

    /** Adds an option that must be given, with a value. */
    final void requiredOption(String name, String label, String description) {
        spec.addOption(valued(name, label, description).required(true).build());
    }

    /** Adds an option without a value: present or not. */
    final void flag(String name, String description) {
        spec.addOption(flagSpec(name, description));
    }

    /** Adds qemu-img's {@code -f FMT} to a command that works on qcow2 images only. */
    final void qcow2FormatOption() {
        option("-f", "format", "image format (qcow2 only)");
    }

    /** Refuses a {@code -f} other than qcow2 ({@link #qcow2FormatOption}). */
    final void requireQcow2Format() {
        String format = value("-f", "qcow2");
        if (!format.equals("qcow2")) {
            throw new IllegalArgumentException(spec.name() + " works on qcow2 images only, not -f " + format);
        }
    }

    /**
     * Adds qemu-img's {@code -U} (force share), so that scripts written for qemu-img run unchanged; it
     * changes nothing here, where opening an image to read it never takes QEMU's lock.
     */
    final void forceShareFlag() {
        spec.addOption(OptionSpec.builder("-U", "--force-share").type(boolean.class).arity("0")
                .description("accepted as qemu-img does; reading an image takes no lock here").build());
    }

    /** Adds qemu-img's {@code -o key=value,...}: the options of a new qcow2 image (create's, convert's). */
    final void createOptionsOption(String description) {
        spec.addOption(OptionSpec.builder("-o").type(List.class).auxiliaryTypes(String.class).splitRegex(",")
                .paramLabel("<options>").description(description).build());
    }

    /** {@code create} with each {@code -o} option given applied in turn ({@link CreateOptionParser}). */
    final Qcow2CreateOptions createOptions(Qcow2CreateOptions create) {
        Qcow2CreateOptions applied = create;
        for (String option : this.<List<String>>value("-o", List.of())) {
            applied = CreateOptionParser.apply(applied, option);
        }
        return applied;
    }

    /** The format {@code -f} names, or the one {@code file} holds (qcow2 magic, else raw) when none is given. */
    final String formatOf(Path file) throws IOException {
        String format = value("-f", "");
        return format.isEmpty() ? Qcow2Image.probeFormat(file) : format;
    }

    /** Adds qemu-img's {@code -p}: progress on one line ({@link #progress}). */
    final void progressFlag() {
        flag("-p", "show progress");
    }

    /** Where the command reports progress: a {@link ProgressLine} when {@code -p} was given, else nowhere. */
    final ProgressLine progress() {
        return new ProgressLine(given("-p") ? out() : null);
    }

    /** Adds a group of flags and options of which exactly one must be given. */
    final void exactlyOneOf(ArgSpec... members) {
        ArgGroupSpec.Builder group = ArgGroupSpec.builder().exclusive(true).multiplicity("1");
        for (ArgSpec member : members) {
            group.addArg(member);
        }
        spec.addArgGroup(group.build());
    }

    static OptionSpec flagSpec(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).arity("0").description(description).build();
    }

    static OptionSpec valuedSpec(String name, String label, String description) {
        return valued(name, label, description).build();
    }

    private static OptionSpec.Builder valued(String name, String label, String description) {
        return OptionSpec.builder(name).type(String.class).arity("1").paramLabel("<" + label + ">")
                .description(description);
    }

    /** Adds the next positional parameter, which must be given. */
    final void parameter(String label) {
        parameter(label, String.class, "1", "");
    }

    /** Adds the next positional parameter, which must be given, with a line of help. */
    final void parameter(String label, String description) {
        parameter(label, String.class, "1", description);
    }

    /** Adds the next positional parameter, which may be left out. */
    final void optionalParameter(String label, String description) {
        parameter(label, String.class, "0..1", description);
    }

    /** Adds the next positional parameter, a whole number that must be given. */
    final void numberParameter(String label) {
        parameter(label, int.class, "1", "");
    }

    private void parameter(String label, Class<?> type, String arity, String description) {
        String[] help = description.isEmpty() ? new String[0] : new String[] {description};
        spec.addPositional(PositionalParamSpec.builder().index(Integer.toString(nextPosition++)).type(type)
                .arity(arity).required(!arity.startsWith("0")).paramLabel("<" + label + ">").description(help)
                .build());
    }

    /**
     * A command that only groups {@code members} (as {@code delta} groups {@code delta export}): given
     * alone, picocli answers that a subcommand is missing.
     */
    static CommandSpec group(String name, String description, Subcommand... members) {
        CommandSpec group = CommandSpec.create().name(name);
        group.usageMessage().description(description);
        for (Subcommand member : members) {
            group.addSubcommand(member.spec.name(), member.spec);
        }
        return group;
    }

    /** The value given to option {@code name}, or {@code otherwise} when it was not given. */
    final <T> T value(String name, T otherwise) {
        return parsed().matchedOptionValue(name, otherwise);
    }

    /** Whether option {@code name} was given. */
    final boolean given(String name) {
        return parsed().hasMatchedOption(name);
    }

    /** The positional parameter at {@code position}, or {@code otherwise} when it was left out. */
    final String parameter(int position, String otherwise) {
        return parsed().matchedPositionalValue(position, otherwise);
    }

    /** The positional parameter at {@code position}, as a path. */
    final Path path(int position) {
        return Path.of(parsed().<String>matchedPositionalValue(position, null));
    }

    /** The whole number at {@code position}. */
    final int number(int position) {
        return parsed().<Integer>matchedPositionalValue(position, null);
    }

    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    private ParseResult parsed() {
        return spec.commandLine().getParseResult();
    }

    /** Runs the command with what was parsed: the process's exit code. */
    abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return run();
    }
}
