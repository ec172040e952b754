package dev.cairn.qcow2.cli;

import dev.cairn.pool.spi.Progress;
import java.io.PrintWriter;

/**
 * qemu-img's {@code -p}: one line, rewritten in place ({@code "    (45.00/100%)\r"}) each time the
 * work advances by a whole percent, ended by {@link #finish} with 100% and a newline (after the
 * carriage return, as qemu-img ends it).
 */
final class ProgressLine implements Progress {

    /** Null when nobody asked for progress: then nothing is printed. */
    private final PrintWriter out;
    /** Hundredths of a percent last printed; -1 before the first line. */
    private long shown = -1;

    /** Progress printed to {@code out}, or, when it is null, progress nobody watches. */
    ProgressLine(PrintWriter out) {
        this.out = out;
    }

    @Override
    public synchronized void advance(long doneBytes, long totalBytes) {
        if (out == null) {
            return;
        }
        long hundredths = totalBytes <= 0 ? 10_000 : Math.min(10_000, (long) (10_000.0 * doneBytes / totalBytes));
        if (shown < 0 || hundredths >= shown + 100) {
            print(hundredths);
        }
    }

    /** The last line: 100%, and a newline after it. */
    synchronized void finish() {
        if (out == null) {
            return;
        }
        if (shown < 10_000) {
            print(10_000);
        }
        out.print('\n');
        out.flush();
    }

    private void print(long hundredths) {
        out.print(String.format("    (%d.%02d/100%%)\r", hundredths / 100, hundredths % 100));
        out.flush();
        shown = hundredths;
    }
}
