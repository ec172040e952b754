package dev.cairn.pool.dir;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.FileWrites;
import dev.cairn.pool.spi.StorageFailures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** The bytes of a raw volume: positional I/O on its file. One caller at a time. */
final class RawDevice implements BlockDevice {
    private final String name;
    private final FileChannel channel;
    private final long capacityBytes;

    RawDevice(String name, FileChannel channel) throws IOException {
        this.name = name;
        this.channel = channel;
        this.capacityBytes = channel.size();
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        BlockDevice.checkRange(offset, dst.remaining(), capacityBytes);
        long position = offset;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position);
                if (n < 0) {
                    // The file was cut short behind our back: what is missing reads as zeroes.
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                    return;
                }
                position += n;
            }
        } catch (IOException e) {
            throw StorageFailures.translate("read volume '" + name + "'", e);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        BlockDevice.checkRange(offset, src.remaining(), capacityBytes);
        try {
            FileWrites.writeFully(channel, src, offset);
        } catch (IOException e) {
            throw StorageFailures.translate("write volume '" + name + "'", e);
        }
    }

    @Override
    public void flush() {
        try {
            channel.force(false);
        } catch (IOException e) {
            throw StorageFailures.translate("flush volume '" + name + "'", e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw StorageFailures.translate("close volume '" + name + "'", e);
        }
    }
}
