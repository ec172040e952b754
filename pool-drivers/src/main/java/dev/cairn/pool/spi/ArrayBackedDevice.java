package dev.cairn.pool.spi;

import java.nio.ByteBuffer;

/**
 * A {@link BlockDevice} over an engine that reads and writes byte arrays: checks every range against the
 * capacity and adapts buffers (heap buffers pass their array through; others go through a copy) in one
 * place, so an engine adapter only moves bytes.
 */
public abstract class ArrayBackedDevice implements BlockDevice {

    /** Reads {@code length} bytes at {@code offset} into {@code bytes[start..]}; the range is checked. */
    protected abstract void readBytes(long offset, byte[] bytes, int start, int length);

    /** Writes {@code length} bytes from {@code bytes[start..]} at {@code offset}; the range is checked. */
    protected abstract void writeBytes(long offset, byte[] bytes, int start, int length);

    @Override
    public final void read(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        BlockDevice.checkRange(offset, length, capacityBytes());
        if (dst.hasArray()) {
            readBytes(offset, dst.array(), dst.arrayOffset() + dst.position(), length);
            dst.position(dst.position() + length);
        } else {
            byte[] bytes = new byte[length];
            readBytes(offset, bytes, 0, length);
            dst.put(bytes);
        }
    }

    @Override
    public final void write(long offset, ByteBuffer src) {
        int length = src.remaining();
        BlockDevice.checkRange(offset, length, capacityBytes());
        if (src.hasArray()) {
            writeBytes(offset, src.array(), src.arrayOffset() + src.position(), length);
            src.position(src.position() + length);
        } else {
            byte[] bytes = new byte[length];
            src.duplicate().get(bytes);
            writeBytes(offset, bytes, 0, length);
            src.position(src.position() + length);
        }
    }
}
