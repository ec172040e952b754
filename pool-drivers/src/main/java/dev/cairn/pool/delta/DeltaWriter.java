package dev.cairn.pool.delta;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * Writes a delta stream (docs/delta-format.md) to an {@link OutputStream}, record by record, without
 * buffering more than one record. The preamble and header go out on construction; {@link #finish()} writes
 * the end record. The writer checks every range against the capacity in force, as a reader will, so it
 * never produces a stream a reader refuses.
 *
 * <p>Not thread-safe. The output stream is flushed by {@link #finish()}, never closed.
 */
public final class DeltaWriter {

    /** Data bytes per data record this writer emits; larger ranges are split. */
    public static final int DATA_BYTES_PER_RECORD = 1 << 20;

    private final OutputStream out;
    private final DeltaHeader header;
    private final MessageDigest sha256;
    private final CRC32C crc = new CRC32C();
    private long capacityBytes;
    private long recordCount;
    private boolean finished;

    /**
     * Starts a stream: writes the preamble and the header record.
     *
     * @throws IOException from the output stream
     */
    public DeltaWriter(OutputStream out, DeltaHeader header) throws IOException {
        this.out = out;
        this.header = header;
        this.sha256 = newSha256();
        this.capacityBytes = header.baseCapacityBytes();
        ByteBuffer preamble = ByteBuffer.allocate(DeltaCodec.PREAMBLE_BYTES).put(DeltaCodec.MAGIC)
                .putInt(DeltaCodec.VERSION);
        emit(preamble.array(), 0, preamble.capacity());
        writeRecord(DeltaCodec.TYPE_HEADER, DeltaCodec.encodeHeader(header));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** The header this stream was started with. */
    public DeltaHeader header() {
        return header;
    }

    /** Sets the capacity (a resize record); later ranges are checked against it. */
    public void resize(long newCapacityBytes) throws IOException {
        if (newCapacityBytes < 0 || newCapacityBytes >= DeltaHeader.MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("capacity " + newCapacityBytes + " is outside 0 .. 2^62-1");
        }
        writeRecord(DeltaCodec.TYPE_RESIZE, ByteBuffer.allocate(8).putLong(newCapacityBytes).array());
        capacityBytes = newCapacityBytes;
    }

    /** Writes {@code len} bytes read at {@code offsetBytes}, as data records of at most 1 MiB each. */
    public void data(long offsetBytes, byte[] buf, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        checkRange(offsetBytes, len);
        for (int done = 0; done < len; ) {
            int piece = Math.min(DATA_BYTES_PER_RECORD, len - done);
            ByteBuffer payload = ByteBuffer.allocate(DeltaCodec.DATA_PREFIX_BYTES + piece);
            payload.putLong(offsetBytes + done).putInt(piece).put(buf, off + done, piece);
            writeRecord(DeltaCodec.TYPE_DATA, payload.array());
            done += piece;
        }
    }

    /** Writes a zero record: the range reads as zeroes afterwards. */
    public void zero(long offsetBytes, long lengthBytes) throws IOException {
        checkRange(offsetBytes, lengthBytes);
        if (lengthBytes > 0) {
            writeRecord(DeltaCodec.TYPE_ZERO, ByteBuffer.allocate(DeltaCodec.ZERO_PAYLOAD_BYTES)
                    .putLong(offsetBytes).putLong(lengthBytes).array());
        }
    }

    /**
     * Ends the stream: writes the end record (record count, SHA-256 of everything before it) and flushes.
     *
     * @throws IllegalStateException when the capacity reached is not the header's
     */
    public void finish() throws IOException {
        if (capacityBytes != header.capacityBytes()) {
            throw new IllegalStateException("the stream reaches capacity " + capacityBytes + ", its header says "
                    + header.capacityBytes() + ": a resize record is missing");
        }
        byte[] digest = sha256.digest();
        ByteBuffer payload = ByteBuffer.allocate(DeltaCodec.END_PAYLOAD_BYTES).putLong(recordCount).put(digest);
        writeRecord(DeltaCodec.TYPE_END, payload.array());
        finished = true;
        out.flush();
    }

    /** Records written so far, the header included. */
    public long recordCount() {
        return recordCount;
    }

    /** Frames and writes one record of any type (package use: tests write unknown types). */
    void writeRecord(int type, byte[] payload) throws IOException {
        if (finished) {
            throw new IllegalStateException("the stream is already finished");
        }
        ByteBuffer head = ByteBuffer.allocate(DeltaCodec.FRAME_HEAD_BYTES).putInt(type).putInt(payload.length);
        crc.reset();
        crc.update(head.array());
        crc.update(payload);
        byte[] tail = ByteBuffer.allocate(DeltaCodec.FRAME_TAIL_BYTES).putInt((int) crc.getValue()).array();
        boolean end = type == DeltaCodec.TYPE_END;
        if (end) {
            out.write(head.array());
            out.write(payload);
            out.write(tail);
        } else {
            emit(head.array(), 0, head.capacity());
            emit(payload, 0, payload.length);
            emit(tail, 0, tail.length);
            recordCount++;
        }
    }

    /** Everything before the end record is hashed. */
    private void emit(byte[] bytes, int off, int len) throws IOException {
        sha256.update(bytes, off, len);
        out.write(bytes, off, len);
    }

    private void checkRange(long offsetBytes, long lengthBytes) {
        if (offsetBytes < 0 || lengthBytes < 0 || offsetBytes > capacityBytes - lengthBytes) {
            throw new IllegalArgumentException("range " + offsetBytes + "+" + lengthBytes
                    + " leaves the capacity " + capacityBytes + " in force at this point of the stream");
        }
    }
}
