package dev.cairn.pool.delta;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.Extent;
import dev.cairn.pool.spi.ExtentSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Turns the extents an engine reports into a delta stream: zero extents become zero records, data extents
 * are read from the target in pieces of at most 1 MiB and become data records, except pieces that read
 * as zeroes, which become zero records too (a region of zeroes is never sent as bytes).
 *
 * <p>Use: {@link #start}, hand the instance to the engine's changed-extents call as its
 * {@link ExtentSink}, then {@link #finish()}. Not thread-safe. I/O failures of the output surface from
 * {@link #accept} as {@link UncheckedIOException}.
 */
public final class DeltaExport implements ExtentSink {

    private final DeltaWriter writer;
    private final BlockDevice target;
    private final byte[] piece;
    private long dataBytes;
    private long zeroBytes;

    private DeltaExport(DeltaWriter writer, BlockDevice target) {
        this.writer = writer;
        this.target = target;
        this.piece = new byte[DeltaWriter.DATA_BYTES_PER_RECORD];
    }

    /**
     * Writes the preamble and header, and a resize record when the capacity changes.
     *
     * @param target the target snapshot's content, of {@code header.capacityBytes()}
     */
    public static DeltaExport start(OutputStream out, DeltaHeader header, BlockDevice target) throws IOException {
        if (target.capacityBytes() != header.capacityBytes()) {
            throw new IllegalArgumentException("the target holds " + target.capacityBytes()
                    + " bytes, the header says " + header.capacityBytes());
        }
        DeltaWriter writer = new DeltaWriter(out, header);
        if (header.capacityBytes() != header.baseCapacityBytes()) {
            writer.resize(header.capacityBytes());
        }
        return new DeltaExport(writer, target);
    }

    @Override
    public void accept(Extent extent) {
        try {
            if (extent.kind() == Extent.Kind.ZERO) {
                writer.zero(extent.offsetBytes(), extent.lengthBytes());
                zeroBytes += extent.lengthBytes();
                return;
            }
            long zeroStart = -1;
            for (long offset = extent.offsetBytes(); offset < extent.endBytes(); offset += piece.length) {
                int length = (int) Math.min(piece.length, extent.endBytes() - offset);
                target.read(offset, ByteBuffer.wrap(piece, 0, length));
                if (isZero(piece, length)) {
                    zeroStart = zeroStart < 0 ? offset : zeroStart;
                    continue;
                }
                zeroStart = flushZeroes(zeroStart, offset);
                writer.data(offset, piece, 0, length);
                dataBytes += length;
            }
            flushZeroes(zeroStart, extent.endBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long flushZeroes(long zeroStart, long end) throws IOException {
        if (zeroStart >= 0) {
            writer.zero(zeroStart, end - zeroStart);
            zeroBytes += end - zeroStart;
        }
        return -1;
    }

    private static boolean isZero(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes the end record and flushes; the stream is then complete. */
    public void finish() throws IOException {
        writer.finish();
    }

    /** Bytes sent as data so far. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Bytes sent as zero ranges so far. */
    public long zeroBytes() {
        return zeroBytes;
    }
}
