package dev.cairn.qcow2;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Runs a copy as numbered windows on three threads: a planning thread runs {@link Steps#plan} for
 * each window in order (scanning for zeroes, mapping and faulting in the source, and everything
 * that touches an image's metadata, which is not thread-safe), while the calling thread and one
 * more take the planned windows in order and run {@link Steps#transfer} (the bulk of the bytes,
 * into distinct ranges of the output). Planning runs ahead of the writers by at most
 * {@link #MAX_AHEAD_BYTES} of bytes still to write, so windows without data (holes) are scanned
 * while the writers are busy instead of after them. The first failure on any thread stops all
 * three and is thrown.
 */
final class WindowedCopy<P> {

    /** The steps of one window; {@code P} carries what planning hands to the transfer. */
    interface Steps<P> {
        /** Plans window {@code window}; called for 0, 1, 2, ... on the planning thread. */
        P plan(long window) throws IOException;

        /** The bytes {@link #transfer} of this plan will write, to bound how far planning runs ahead. */
        long bytes(P plan);

        /** Writes what {@code plan} names; called in window order on the calling thread. */
        void transfer(P plan) throws IOException;
    }

    private static final long MAX_AHEAD_BYTES = 256L << 20;

    private final long windows;
    private final Steps<P> steps;
    private final Deque<P> planned = new ArrayDeque<>();
    private long plannedBytes;
    private boolean planningDone;
    private Throwable failure;

    private WindowedCopy(long windows, Steps<P> steps) {
        this.windows = windows;
        this.steps = steps;
    }

    /** Runs windows {@code 0 .. windows - 1} through {@code steps}; returns when all are written. */
    static <P> void run(long windows, Steps<P> steps) throws IOException {
        new WindowedCopy<>(windows, steps).run();
    }

    private void run() throws IOException {
        Thread planner = new Thread(this::planAll, "cairn-copy-planner");
        Thread writer = new Thread(this::transferOrFail, "cairn-copy-writer");
        for (Thread helper : List.of(planner, writer)) {
            helper.setDaemon(true);
            helper.start();
        }
        transferOrFail();
        boolean interrupted = false;
        for (Thread helper : List.of(planner, writer)) {
            while (helper.isAlive()) {
                try {
                    helper.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    fail(e);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    private void planAll() {
        try {
            for (long window = 0; window < windows; window++) {
                P plan = steps.plan(window);
                long bytes = steps.bytes(plan);
                synchronized (this) {
                    while (failure == null && !planned.isEmpty() && plannedBytes + bytes > MAX_AHEAD_BYTES) {
                        wait();
                    }
                    if (failure != null) {
                        return;
                    }
                    planned.addLast(plan);
                    plannedBytes += bytes;
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            fail(e);
        } finally {
            synchronized (this) {
                planningDone = true;
                notifyAll();
            }
        }
    }

    private void transferOrFail() {
        try {
            transferAll();
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    private void transferAll() throws IOException {
        while (true) {
            P plan;
            synchronized (this) {
                while (failure == null && planned.isEmpty() && !planningDone) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("copy interrupted");
                    }
                }
                if (failure != null || planned.isEmpty()) {
                    return;
                }
                plan = planned.removeFirst();
            }
            steps.transfer(plan);
            synchronized (this) {
                plannedBytes -= steps.bytes(plan);
                notifyAll();
            }
        }
    }

    private synchronized void fail(Throwable e) {
        if (failure == null) {
            failure = e;
        } else if (failure != e) {
            failure.addSuppressed(e);
        }
        notifyAll();
    }

    private void rethrow() throws IOException {
        Throwable e;
        synchronized (this) {
            e = failure;
        }
        if (e == null) {
            return;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof InterruptedException) {
            throw new InterruptedIOException("copy interrupted");
        }
        if (e instanceof InternalError) {
            // What reading a mapped file raises when the file shrinks under the copy (SIGBUS).
            throw new IOException("a file changed size while it was copied", e);
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) e;
    }
}
