package dev.cairn.qcow2.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code cairn-img} in-process for tests, capturing its exit code and both outputs. */
public final class CliRun {

    /** What one {@code cairn-img} run printed and returned. */
    public record Run(int exitCode, String out, String err) {
        public Run ok() {
            assertThat(exitCode).as("exit code; out: %s; err: %s", out, err).isZero();
            return this;
        }
    }

    private CliRun() {
    }

    public static Run cairnImg(String... args) {
        CommandLine commandLine = CairnImg.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
