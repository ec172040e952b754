package dev.cairn.qcow2;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a copy as numbered windows on {@value #THREADS} threads (the calling one and two more), as
 * qemu-img convert keeps several requests in flight. Each thread takes the next window and runs its
 * three steps: {@link Steps#prepare} alongside the other threads (mapping the source, scanning it
 * for zeroes, faulting it in), {@link Steps#inOrder} one window at a time and in window order
 * (everything that touches an image's metadata, which is not thread-safe; host clusters are then
 * laid out in guest order), {@link Steps#stage} alongside the others again (what needs the ordered
 * step's result and no lock), and {@link Steps#transfer} one window at a time in any order (the bulk
 * of the bytes, into distinct ranges of the output), while the other threads prepare: scanning and
 * faulting in overlap the writes instead of adding to them. Writes into one file take the file's
 * lock in the kernel anyway; a thread waiting there spins on a core while the writer runs, and where
 * the writer stalls on memory its host must supply, the spinning took as much CPU as the copy
 * (4 GiB: 16.8 s of system CPU in 11.5 s, against 6.7 s in 7.0 s with this lock), so transfers
 * wait for each other here, asleep. At most one window per thread is in flight. The first failure
 * on any thread stops all of them and is thrown.
 */
final class WindowedCopy<P> {

    /** The steps of one window; {@code P} carries what a step hands to the next. */
    interface Steps<P> {
        P prepare(long window) throws IOException;

        void inOrder(long window, P plan) throws IOException;

        /** Work on the window between its ordered step and its transfer, alongside other threads. */
        default void stage(P plan) throws IOException {
        }

        void transfer(P plan) throws IOException;
    }

    private static final int THREADS = 3;

    private final long windows;
    private final Steps<P> steps;
    private final AtomicLong nextWindow = new AtomicLong();
    private final Object turnLock = new Object();
    private final Object transferLock = new Object();
    private long turn;
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
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < Math.min(THREADS, windows); i++) {
            Thread helper = new Thread(this::work, "cairn-copy-" + i);
            helper.setDaemon(true);
            helpers.add(helper);
            helper.start();
        }
        work();
        boolean interrupted = false;
        for (Thread helper : helpers) {
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

    private void work() {
        try {
            for (long window = nextWindow.getAndIncrement(); window < windows && !failed();
                    window = nextWindow.getAndIncrement()) {
                P plan = steps.prepare(window);
                synchronized (turnLock) {
                    while (turn != window && failure == null) {
                        turnLock.wait();
                    }
                    if (failure != null) {
                        return;
                    }
                    try {
                        steps.inOrder(window, plan);
                    } finally {
                        turn++;
                        turnLock.notifyAll();
                    }
                }
                steps.stage(plan);
                synchronized (transferLock) {
                    steps.transfer(plan);
                }
            }
        } catch (IOException | RuntimeException | Error | InterruptedException e) {
            fail(e);
        }
    }

    private boolean failed() {
        synchronized (turnLock) {
            return failure != null;
        }
    }

    private void fail(Throwable e) {
        synchronized (turnLock) {
            if (failure == null) {
                failure = e;
            } else if (failure != e) {
                failure.addSuppressed(e);
            }
            turnLock.notifyAll();
        }
    }

    private void rethrow() throws IOException {
        Throwable e;
        synchronized (turnLock) {
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
