package dev.cairn.pool.spi;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * The bytes of one volume, addressed by offset from 0 to {@link #capacityBytes()}.
 *
 * <p>Not thread-safe: one caller at a time (the service serializes per volume). Writes are durable only
 * after {@link #flush()} returns. Errors are {@link dev.cairn.api.CairnException}s; a full file system is
 * {@code INSUFFICIENT_SPACE}.
 */
public interface BlockDevice extends Closeable {

    /** The virtual size in bytes. */
    long capacityBytes();

    /**
     * Reads {@code dst.remaining()} bytes starting at {@code offset} into {@code dst}; bytes never
     * written read as zeroes.
     *
     * @throws IllegalArgumentException when the range leaves the device
     */
    void read(long offset, ByteBuffer dst);

    /**
     * Writes all of {@code src} at {@code offset}.
     *
     * @throws IllegalArgumentException when the range leaves the device
     */
    void write(long offset, ByteBuffer src);

    /**
     * Makes {@code [offset, offset + length)} read as zeroes. The default writes zero buffers; engines that
     * can unmap or mark ranges zero do so instead, without writing zero bytes.
     *
     * @throws IllegalArgumentException when the range leaves the device
     */
    default void writeZeroes(long offset, long length) {
        checkRange(offset, length, capacityBytes());
        ByteBuffer zeroes = ByteBuffer.allocate((int) Math.min(1 << 20, Math.max(length, 1)));
        for (long done = 0; done < length; ) {
            int piece = (int) Math.min(zeroes.capacity(), length - done);
            write(offset + done, zeroes.clear().limit(piece));
            done += piece;
        }
    }

    /** Makes every completed write durable. */
    void flush();

    /** Releases the device; does not flush. */
    @Override
    void close();

    /** Checks that {@code [offset, offset + length)} lies within a device of {@code capacityBytes}. */
    static void checkRange(long offset, long length, long capacityBytes) {
        if (offset < 0 || length < 0 || offset > capacityBytes - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") leaves a device of "
                    + capacityBytes + " bytes");
        }
    }
}
