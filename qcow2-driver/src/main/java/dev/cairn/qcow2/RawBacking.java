package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.file.Path;

/** A raw file used as a backing layer; its length is its capacity. Not thread-safe. */
final class RawBacking implements BackingLayer {

    private final HostFile file;
    private final long capacityBytes;

    RawBacking(Path path) throws IOException {
        this.file = HostFile.open(path, false);
        this.capacityBytes = file.sizeBytes();
    }

    /** The file, for what asks its file system about it ({@link DataExtents}). */
    Path path() {
        return file.path();
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public void read(long offset, byte[] buf, int off, int len) throws IOException {
        file.read(offset, buf, off, len);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
