package dev.cairn.qcow2;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * QEMU's image locking, so that Cairn and QEMU processes see each other: an image opened for
 * writing here cannot be started by a VM or written by qemu-img, and an image a VM runs on cannot
 * be opened for writing here. It follows QEMU's file-posix protocol (block/file-posix.c): a shared
 * lock on byte 100 + n for each permission n an opener uses and on byte 200 + n for each it will not
 * share (n: 0 consistent read, 1 write, 2 write unchanged, 3 resize), taken as open file description
 * locks as QEMU takes them; an opener first takes its own bytes, then fails if another holds a byte
 * that conflicts, so two racing openers cannot both succeed.
 *
 * <p>A writer here uses consistent read, write and resize and shares consistent read and write
 * unchanged, as a VM's disk does. Read-only opens take no lock (as {@code qemu-img -U}): they see
 * whatever a writer has made durable. A file this process has just created is not locked either,
 * but a file a create would replace is locked for the moment of its removal, so one in use is kept.
 *
 * <p>The locks belong to an open file description, so within this process one description per
 * file holds them for all its writers (two would lock each other out); it is closed, and the locks
 * dropped, when the last writer closes. Where the calls cannot be made ({@link LinuxCalls}) nothing
 * is locked.
 */
final class ImageLock implements Closeable {

    private static final int PERMISSION_BASE = 100;
    private static final int UNSHARED_BASE = 200;
    private static final String[] PERMISSION_NAMES = {"consistent read", "write", "write unchanged", "resize"};
    private static final int[] WRITER_USES = {0, 1, 3};
    private static final int[] WRITER_UNSHARES = {1, 3};

    /** One open file description per locked file of this process, with the number of its writers. */
    private static final Map<Object, Held> HELD = new HashMap<>();

    private static final ImageLock NONE = new ImageLock(null);

    private static final class Held {
        final int fd;
        int writers = 1;

        Held(int fd) {
            this.fd = fd;
        }
    }

    private final Object key;
    private boolean closed;

    private ImageLock(Object key) {
        this.key = key;
    }

    /**
     * Locks {@code file} for writing, or throws {@link Qcow2LockedException} naming what another
     * process holds, in qemu-img's words.
     */
    static ImageLock forWriting(Path file) throws IOException {
        LinuxCalls calls = LinuxCalls.get();
        if (calls == null) {
            return NONE;
        }
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        if (key == null) {
            return NONE;
        }
        synchronized (HELD) {
            Held held = HELD.get(key);
            if (held != null) {
                held.writers++;
                return new ImageLock(key);
            }
            int fd = calls.openReadOnly(file);
            if (fd < 0) {
                throw new IOException("cannot open " + file + " to lock it (errno " + -fd + ")");
            }
            Outcome outcome;
            try {
                outcome = lock(calls, fd, file);
            } catch (Qcow2LockedException e) {
                calls.close(fd);
                throw e;
            }
            if (outcome == Outcome.UNSUPPORTED) {
                calls.close(fd);
                return NONE;
            }
            HELD.put(key, new Held(fd));
            return new ImageLock(key);
        }
    }

    /** What taking a writer's locks came to. */
    private enum Outcome { LOCKED, UNSUPPORTED }

    /**
     * Takes a writer's bytes, then looks for another's conflicting ones: {@link Outcome#LOCKED},
     * {@link Outcome#UNSUPPORTED} (a file system without these locks: go on unlocked, as QEMU's
     * {@code locking=auto} does), or throws what could not be had.
     */
    private static Outcome lock(LinuxCalls calls, int fd, Path file) throws Qcow2LockedException {
        for (int base : new int[] {PERMISSION_BASE, UNSHARED_BASE}) {
            for (int permission : base == PERMISSION_BASE ? WRITER_USES : WRITER_UNSHARES) {
                int status = calls.setLock(fd, LinuxCalls.F_RDLCK, base + permission, 1);
                if (status == -LinuxCalls.EAGAIN || status == -LinuxCalls.EACCES) {
                    throw locked(base == PERMISSION_BASE ? "" : "shared ", permission, file);
                }
                if (status < 0) {
                    return Outcome.UNSUPPORTED;
                }
            }
        }
        for (int permission : WRITER_USES) {
            if (calls.lockConflicts(fd, LinuxCalls.F_WRLCK, UNSHARED_BASE + permission, 1)) {
                throw locked("", permission, file);
            }
        }
        for (int permission : WRITER_UNSHARES) {
            if (calls.lockConflicts(fd, LinuxCalls.F_WRLCK, PERMISSION_BASE + permission, 1)) {
                throw locked("shared ", permission, file);
            }
        }
        return Outcome.LOCKED;
    }

    private static Qcow2LockedException locked(String shared, int permission, Path file) {
        return new Qcow2LockedException("Failed to get " + shared + "\"" + PERMISSION_NAMES[permission]
                + "\" lock: is another process using the image [" + file + "]?");
    }

    /** Drops this writer's hold; the last one closes the description, which drops the locks. */
    @Override
    public void close() {
        if (key == null) {
            return;
        }
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held held = HELD.get(key);
            if (held != null && --held.writers == 0) {
                HELD.remove(key);
                LinuxCalls.get().close(held.fd);
            }
        }
    }
}
