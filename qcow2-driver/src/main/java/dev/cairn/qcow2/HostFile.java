package dev.cairn.qcow2;

import dev.cairn.pool.spi.FileWrites;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positional I/O on the image file. Reads past the end of the file return zeroes (qemu-img
 * images need not end on a cluster boundary). {@link #barrier()} is the durability point of ordered writes:
 * it forces everything written since the previous barrier, and every ordering rule of the
 * engine ("A durable before B") is a barrier between the two writes. A file opened with
 * {@link WriteOrdering#DEFERRED_TO_CLOSE} skips barriers and is forced only by {@link #force()}.
 * Not thread-safe.
 */
final class HostFile implements Closeable {

    /**
     * Test seam for crash simulation: sees every write before it happens (and may fail it) and
     * every barrier. Null in production.
     */
    interface WriteInterceptor {
        void beforeWrite(HostFile file, long hostOffset, byte[] buf, int off, int length) throws IOException;

        void afterBarrier(HostFile file);
    }

    static volatile WriteInterceptor interceptor;

    private final FileChannel channel;
    private final Path path;
    private final boolean writable;
    private final boolean barriersDeferred;
    private final boolean neverForced;
    /** QEMU's image locks for a writer, or null (read-only, or a file this process created). */
    private final ImageLock lock;
    private boolean unsynced;
    /** File length, tracked here so that bounds checks cost no system call. */
    private long sizeBytes = -1;

    private HostFile(Path path, FileChannel channel, boolean writable, WriteOrdering ordering, ImageLock lock) {
        this.path = path;
        this.channel = channel;
        this.writable = writable;
        this.barriersDeferred = ordering != WriteOrdering.ORDERED;
        this.neverForced = ordering == WriteOrdering.UNSYNCED;
        this.lock = lock;
    }

    static HostFile open(Path path, boolean writable) throws IOException {
        return open(path, writable, WriteOrdering.ORDERED, writable);
    }

    /**
     * Opens an existing file; with {@code locked} (only for writing) it first takes QEMU's image
     * locks for a writer ({@link ImageLock}), held until {@link #close()}.
     */
    static HostFile open(Path path, boolean writable, WriteOrdering ordering, boolean locked) throws IOException {
        ImageLock lock = locked && writable ? ImageLock.forWriting(path) : null;
        try {
            FileChannel channel = writable
                    ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            return new HostFile(path, channel, writable, ordering, lock);
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    static HostFile create(Path path, WriteOrdering ordering) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW);
        return new HostFile(path, channel, true, ordering, null);
    }

    Path path() {
        return path;
    }

    boolean writable() {
        return writable;
    }

    /** Whether barriers are skipped (any ordering but {@link WriteOrdering#ORDERED}). */
    boolean barriersDeferred() {
        return barriersDeferred;
    }

    long sizeBytes() throws IOException {
        if (sizeBytes < 0) {
            sizeBytes = channel.size();
        }
        return sizeBytes;
    }

    /**
     * Reads the file's length again (keeping a length counted ahead of write-back): a reader that
     * another thread of this process may be racing (the service reads volume sizes without the
     * volume's lock) checks a header it read after its first look at the length against a length at
     * least as new as that header; a writer extends the file before it points the header past the old end.
     */
    long refreshSizeBytes() throws IOException {
        sizeBytes = Math.max(sizeBytes, channel.size());
        return sizeBytes;
    }

    /**
     * Counts {@code endOffset} as within the file for {@link #sizeBytes()} before the bytes are
     * written: a write-back cache holds them and writes them later (reads of them never reach the
     * file, and a short file reads as zeroes anyway).
     */
    void reserve(long endOffset) throws IOException {
        sizeBytes = Math.max(sizeBytes(), endOffset);
    }

    /** Fills {@code length} bytes at {@code buf[off]} from {@code hostOffset}; zeroes past EOF. */
    void read(long hostOffset, byte[] buf, int off, int length) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buf, off, length);
        long position = hostOffset;
        while (target.hasRemaining()) {
            int count = channel.read(target, position);
            if (count < 0) {
                while (target.hasRemaining()) {
                    target.put((byte) 0);
                }
                return;
            }
            position += count;
        }
    }

    byte[] read(long hostOffset, int length) throws IOException {
        byte[] data = new byte[length];
        read(hostOffset, data, 0, length);
        return data;
    }

    void write(long hostOffset, byte[] buf, int off, int length) throws IOException {
        WriteInterceptor hook = interceptor;
        if (hook != null) {
            hook.beforeWrite(this, hostOffset, buf, off, length);
        }
        FileWrites.writeFully(channel, ByteBuffer.wrap(buf, off, length), hostOffset);
        unsynced = true;
        sizeBytes = Math.max(sizeBytes(), hostOffset + length);
    }

    /**
     * Writes the remaining bytes of {@code data} (heap, direct or a mapping of another file) at
     * {@code hostOffset}. Unlike every other method here it may run on several threads at once,
     * for ranges the caller made distinct and counted with {@link #reserve} first (a bulk fill of
     * a file written with deferred ordering).
     */
    void writeConcurrently(long hostOffset, ByteBuffer data) throws IOException {
        WriteInterceptor hook = interceptor;
        if (hook != null) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            hook.beforeWrite(this, hostOffset, copy, 0, copy.length);
        }
        FileWrites.writeFully(channel, data, hostOffset);
        unsynced = true;
    }

    /**
     * Forces the data written so far (fdatasync) while other threads go on writing, for a bulk fill
     * of a file written with deferred ordering ({@link WriteBehind}); the closing {@link #force()}
     * still runs. Nothing for {@link WriteOrdering#UNSYNCED}.
     */
    void forceWhileWriting() throws IOException {
        if (!neverForced) {
            channel.force(false);
        }
    }

    /** A read-only mapping of {@code length} bytes at {@code hostOffset}, which must lie within the file. */
    java.nio.MappedByteBuffer map(long hostOffset, int length) throws IOException {
        if (hostOffset < 0 || length < 0 || hostOffset + length > sizeBytes()) {
            throw new IllegalArgumentException("host range " + hostOffset + "+" + length + " is not within the file");
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, hostOffset, length);
    }

    void write(long hostOffset, byte[] data) throws IOException {
        write(hostOffset, data, 0, data.length);
    }

    void writeLong(long hostOffset, long value) throws IOException {
        write(hostOffset, ByteBuffer.allocate(8).putLong(0, value).array());
    }

    /**
     * Makes every earlier write durable before any later one can be (fdatasync); nothing under
     * {@link WriteOrdering#DEFERRED_TO_CLOSE} or {@link WriteOrdering#UNSYNCED}, whose only durability
     * point is {@link #force()}.
     */
    void barrier() throws IOException {
        if (!barriersDeferred) {
            force();
        }
    }

    /** Makes every earlier write durable (fdatasync), unless the file is {@link WriteOrdering#UNSYNCED}. */
    void force() throws IOException {
        if (unsynced && !neverForced) {
            channel.force(false);
            unsynced = false;
            WriteInterceptor hook = interceptor;
            if (hook != null) {
                hook.afterBarrier(this);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
