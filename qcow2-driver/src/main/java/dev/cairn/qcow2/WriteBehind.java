package dev.cairn.qcow2;

import java.io.IOException;

/**
 * Makes a bulk copy's output durable while the copy goes on: each time another
 * {@value #STEP_BYTES} bytes have been written, a thread of its own forces the output (fdatasync),
 * so the disk writes overlap the copy instead of all waiting for one force at the end. The final
 * force stays the caller's; this only leaves it little to do. On this project's test machine a
 * 1 GiB write forced every 64 MiB took 0.43-0.46 s in all, against 0.62-1.9 s for the same write
 * followed by one force (BENCHMARKS.md, "Holes from the file system, forcing while copying").
 *
 * <p>A failed force is kept and thrown by {@link #finish()}: Linux reports a writeback error to one
 * fsync only, so a later force could succeed although data was lost.
 */
final class WriteBehind implements AutoCloseable {

    /** Forces what was written so far. */
    interface Force {
        void run() throws IOException;
    }

    static final long STEP_BYTES = 64L << 20;

    private static final WriteBehind NONE = new WriteBehind(null);

    private final Force force;
    private final Thread thread;
    private long written;
    private long forcedUpTo;
    private boolean closed;
    private IOException failure;

    private WriteBehind(Force force) {
        this.force = force;
        this.thread = force == null ? null : new Thread(this::run, "cairn-write-behind");
    }

    /** Forces with {@code force} as the copy goes on, or, when not {@code durable}, never (an unflushed output). */
    static WriteBehind start(boolean durable, Force force) {
        if (!durable) {
            return NONE;
        }
        WriteBehind writeBehind = new WriteBehind(force);
        writeBehind.thread.setDaemon(true);
        writeBehind.thread.start();
        return writeBehind;
    }

    /** Counts {@code bytes} more written to the output (any thread). */
    void written(long bytes) {
        if (thread == null) {
            return;
        }
        synchronized (this) {
            written += bytes;
            if (written - forcedUpTo >= STEP_BYTES) {
                notifyAll();
            }
        }
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (!closed && written - forcedUpTo < STEP_BYTES) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                forcedUpTo = written;
            }
            try {
                force.run();
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    failure = e instanceof IOException io ? io : new IOException("forcing the output failed", e);
                    closed = true;
                }
                return;
            }
        }
    }

    /** Stops forcing (waiting for a force under way) and throws the failure of any earlier force. */
    void finish() throws IOException {
        close();
        synchronized (this) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Stops forcing, waiting for a force under way; what failed is forgotten (the copy failed anyway). */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
