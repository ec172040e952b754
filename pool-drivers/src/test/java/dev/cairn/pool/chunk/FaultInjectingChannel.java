package dev.cairn.pool.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A file channel that simulates a power cut: the {@link Plan}'s Nth write (counted over all channels
 * of the plan) fails, optionally after writing only part of its bytes, every later write or force
 * fails, and {@link Plan#crash} can then undo every write that was not forced.
 */
final class FaultInjectingChannel extends FileChannel {

    /** Shared by the channels of one simulated machine. */
    static final class Plan {
        private final long failingWrite;
        private final boolean tear;
        private final java.util.List<FaultInjectingChannel> channels = new java.util.ArrayList<>();
        private long writes;
        private boolean dead;

        Plan(long failingWrite, boolean tear) {
            this.failingWrite = failingWrite;
            this.tear = tear;
        }

        ChannelOpener opener() {
            return path -> {
                FaultInjectingChannel channel = new FaultInjectingChannel(path, ChannelOpener.FILES.open(path), this);
                channels.add(channel);
                return channel;
            };
        }

        boolean fired() {
            return dead;
        }

        /** The power goes now: every later write or force fails. */
        void die() {
            dead = true;
        }

        /** Puts back the bytes of every write that was not forced, as if the machine lost power. */
        void crash() throws IOException {
            for (FaultInjectingChannel channel : channels) {
                channel.dropUnsynced();
            }
        }
    }

    private record Undo(long position, byte[] oldBytes, long sizeBefore) {
    }

    private final java.nio.file.Path path;
    private final FileChannel file;
    private final Plan plan;
    private final Deque<Undo> unsynced = new ArrayDeque<>();

    FaultInjectingChannel(java.nio.file.Path path, FileChannel file, Plan plan) {
        this.path = path;
        this.file = file;
        this.plan = plan;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (plan.dead) {
            throw new IOException("simulated device is gone");
        }
        int length = src.remaining();
        remember(position, length);
        if (++plan.writes == plan.failingWrite) {
            plan.dead = true;
            if (plan.tear) {
                ByteBuffer prefix = src.duplicate();
                prefix.limit(prefix.position() + length / 2);
                file.write(prefix, position);
            }
            throw new IOException("simulated failure of write " + plan.writes);
        }
        return file.write(src, position);
    }

    private void remember(long position, int length) throws IOException {
        long size = file.size();
        byte[] old = new byte[(int) Math.max(0, Math.min(length, size - position))];
        file.read(ByteBuffer.wrap(old), position);
        unsynced.push(new Undo(position, old, size));
    }

    /** Undoes unforced writes, newest first, through a fresh channel (the store closed its own). */
    void dropUnsynced() throws IOException {
        try (FileChannel restore = ChannelOpener.FILES.open(path)) {
            while (!unsynced.isEmpty()) {
                Undo undo = unsynced.pop();
                restore.write(ByteBuffer.wrap(undo.oldBytes()), undo.position());
                if (restore.size() > undo.sizeBefore()) {
                    restore.truncate(undo.sizeBefore());
                }
            }
        }
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (plan.dead) {
            throw new IOException("simulated device is gone");
        }
        // The undo log is the simulated disk cache: forcing empties it, no real fsync is needed.
        unsynced.clear();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException("the store uses positional reads");
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
        throw new UnsupportedOperationException("the store uses positional reads");
    }

    @Override
    public int write(ByteBuffer src) {
        throw new UnsupportedOperationException("the store uses positional writes");
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException("the store uses positional writes");
    }

    @Override
    public long position() {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel truncate(long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }
}
