package dev.cairn.pool.delta;

import dev.cairn.pool.delta.DeltaFormatException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Reads a delta stream (docs/delta-format.md) from an {@link InputStream}, one record at a time, checking
 * as it goes: magic and version, each record's CRC32C, lengths (no record makes the reader allocate more than
 * {@value DeltaCodec#MAX_PAYLOAD_BYTES} bytes, whatever its length field says), ranges against the capacity
 * in force, and at the end the record count, the SHA-256 and that nothing follows. Record types this reader
 * does not know are checked and skipped.
 *
 * <p>A record handed out is only as trustworthy as the stream's prefix: the stream is complete and valid
 * once {@link #next()} has returned empty (then {@link #complete()} is true). A truncated stream never
 * looks complete: it throws {@link DeltaFormatException} with {@link Reason#TRUNCATED}. Appliers therefore
 * stage what they receive and make it visible only after that point.
 *
 * <p>Failures: {@link DeltaFormatException} ({@code INVALID_DELTA}) for a stream that breaks the format,
 * {@link IOException} from the input stream. Not thread-safe; the input stream is not closed.
 */
public final class DeltaReader {

    private static final int SKIP_PIECE_BYTES = 64 * 1024;

    private final InputStream in;
    private final MessageDigest sha256 = DeltaWriter.newSha256();
    private final CRC32C crc = new CRC32C();
    private DeltaHeader header;
    private long capacityBytes;
    private long recordCount;
    private boolean complete;

    public DeltaReader(InputStream in) {
        this.in = in;
    }

    /** Reads the whole stream, verifying it and ignoring its records; returns its header. */
    public static DeltaHeader verify(InputStream in) throws IOException {
        DeltaReader reader = new DeltaReader(in);
        reader.readAll(DeltaVisitor.ignoring());
        return reader.header();
    }

    /** The header, reading the preamble and header record first if that has not happened yet. */
    public DeltaHeader header() throws IOException {
        if (header == null) {
            byte[] preamble = readExactly(DeltaCodec.PREAMBLE_BYTES, "the preamble");
            if (!Arrays.equals(preamble, 0, DeltaCodec.MAGIC.length, DeltaCodec.MAGIC, 0, DeltaCodec.MAGIC.length)) {
                throw new DeltaFormatException(Reason.BAD_MAGIC, "the stream does not start with the delta magic");
            }
            int version = ByteBuffer.wrap(preamble).getInt(DeltaCodec.MAGIC.length);
            if (version != DeltaCodec.VERSION) {
                throw new DeltaFormatException(Reason.UNSUPPORTED_VERSION, "version " + Integer.toUnsignedString(version)
                        + " is not supported (this reader knows version " + DeltaCodec.VERSION + ")");
            }
            sha256.update(preamble);
            Frame first = readFrame();
            if (first.type != DeltaCodec.TYPE_HEADER) {
                throw DeltaCodec.malformed("the first record has type " + Integer.toUnsignedString(first.type)
                        + ", not the header type " + DeltaCodec.TYPE_HEADER);
            }
            header = DeltaCodec.decodeHeader(ByteBuffer.wrap(first.payload));
            capacityBytes = header.baseCapacityBytes();
        }
        return header;
    }

    /**
     * The next record, or empty once the end record has been verified and nothing follows it.
     *
     * @throws DeltaFormatException when the stream breaks the format; the reader is then unusable
     */
    public Optional<DeltaRecord> next() throws IOException {
        header();
        while (!complete) {
            Frame frame = readFrame();
            switch (frame.type) {
                case DeltaCodec.TYPE_DATA:
                    return Optional.of(data(ByteBuffer.wrap(frame.payload)));
                case DeltaCodec.TYPE_ZERO:
                    ByteBuffer zero = ByteBuffer.wrap(frame.payload);
                    long offset = zero.getLong();
                    long length = zero.getLong();
                    checkRange(offset, length, "zero");
                    return Optional.of(new DeltaRecord.Zero(offset, length));
                case DeltaCodec.TYPE_RESIZE:
                    long capacity = ByteBuffer.wrap(frame.payload).getLong();
                    if (capacity < 0 || capacity >= DeltaHeader.MAX_CAPACITY_BYTES) {
                        throw DeltaCodec.malformed("resize to " + Long.toUnsignedString(capacity) + " bytes");
                    }
                    capacityBytes = capacity;
                    return Optional.of(new DeltaRecord.Resize(capacity));
                case DeltaCodec.TYPE_END:
                    finishEnd(frame);
                    break;
                default:
                    // An unknown type: its frame was checked (CRC, hash, count) and its payload skipped.
                    break;
            }
        }
        return Optional.empty();
    }

    /**
     * Hands every record to {@code visitor}, in order, and returns once the stream is verified complete.
     *
     * @return the header
     */
    public DeltaHeader readAll(DeltaVisitor visitor) throws IOException {
        DeltaHeader result = header();
        for (Optional<DeltaRecord> record = next(); record.isPresent(); record = next()) {
            DeltaRecord r = record.get();
            if (r instanceof DeltaRecord.Data data) {
                visitor.data(data.offsetBytes(), data.bytes());
            } else if (r instanceof DeltaRecord.Zero zero) {
                visitor.zero(zero.offsetBytes(), zero.lengthBytes());
            } else if (r instanceof DeltaRecord.Resize resize) {
                visitor.resize(resize.capacityBytes());
            }
        }
        return result;
    }

    /** Whether the end record was verified and nothing followed it. */
    public boolean complete() {
        return complete;
    }

    /** Records read so far before the end record, the header included. */
    public long recordCount() {
        return recordCount;
    }

    private DeltaRecord.Data data(ByteBuffer payload) {
        long offset = payload.getLong();
        int length = payload.getInt();
        if (length != payload.remaining()) {
            throw DeltaCodec.malformed("data record declares " + Integer.toUnsignedString(length) + " bytes but holds "
                    + payload.remaining());
        }
        checkRange(offset, length, "data");
        byte[] bytes = new byte[length];
        payload.get(bytes);
        return new DeltaRecord.Data(offset, bytes);
    }

    private void finishEnd(Frame frame) throws IOException {
        ByteBuffer end = ByteBuffer.wrap(frame.payload);
        long count = end.getLong();
        byte[] digest = new byte[DeltaCodec.SHA256_BYTES];
        end.get(digest);
        if (count != recordCount) {
            throw new DeltaFormatException(Reason.BAD_END, "the end record counts " + Long.toUnsignedString(count)
                    + " records, the stream holds " + recordCount);
        }
        if (!MessageDigest.isEqual(digest, frame.digestBefore)) {
            throw new DeltaFormatException(Reason.BAD_END, "the SHA-256 of the stream does not match its end record");
        }
        if (capacityBytes != header.capacityBytes()) {
            throw DeltaCodec.malformed("the records reach capacity " + capacityBytes + ", the header says "
                    + header.capacityBytes());
        }
        if (in.read() != -1) {
            throw new DeltaFormatException(Reason.TRAILING_BYTES, "bytes follow the end record");
        }
        complete = true;
    }

    private void checkRange(long offset, long length, String what) {
        if (offset < 0 || length <= 0 || offset > capacityBytes - length) {
            throw DeltaCodec.malformed(what + " record range " + Long.toUnsignedString(offset) + "+"
                    + Long.toUnsignedString(length) + " leaves the capacity " + capacityBytes + " in force");
        }
    }

    /** One framed record, its CRC checked. {@code payload} is empty for skipped (unknown) types. */
    private record Frame(int type, byte[] payload, byte[] digestBefore) {
    }

    private Frame readFrame() throws IOException {
        byte[] head = readExactly(DeltaCodec.FRAME_HEAD_BYTES, "a record header");
        ByteBuffer fields = ByteBuffer.wrap(head);
        int type = fields.getInt();
        long length = Integer.toUnsignedLong(fields.getInt());
        checkLength(type, length);
        boolean end = type == DeltaCodec.TYPE_END;
        // The SHA-256 covers every byte before the end record, so it is taken before the end record is hashed.
        byte[] digestBefore = end ? sha256.digest() : null;
        crc.reset();
        crc.update(head);
        if (!end) {
            sha256.update(head);
        }
        byte[] payload = isKnown(type) ? readExactly((int) length, "a record payload") : skip(length);
        crc.update(payload);
        if (!end && isKnown(type)) {
            sha256.update(payload);
        }
        byte[] tail = readExactly(DeltaCodec.FRAME_TAIL_BYTES, "a record checksum");
        if (ByteBuffer.wrap(tail).getInt() != (int) crc.getValue()) {
            throw new DeltaFormatException(Reason.BAD_CHECKSUM, "record " + recordCount + " (type "
                    + Integer.toUnsignedString(type) + ") fails its CRC32C");
        }
        if (!end) {
            sha256.update(tail);
            recordCount++;
        }
        return new Frame(type, payload, digestBefore);
    }

    private static boolean isKnown(int type) {
        return type >= DeltaCodec.TYPE_HEADER && type <= DeltaCodec.TYPE_END;
    }

    /** Known types have fixed or bounded lengths; every type is bounded by the largest data record. */
    private void checkLength(int type, long length) {
        long min = 0;
        long max = DeltaCodec.MAX_PAYLOAD_BYTES;
        if (type == DeltaCodec.TYPE_HEADER) {
            if (header != null) {
                throw DeltaCodec.malformed("a second header record");
            }
            min = DeltaCodec.HEADER_FIXED_BYTES;
            max = DeltaCodec.HEADER_FIXED_BYTES + 2L * SnapshotIdentity.MAX_NAME_BYTES;
        } else if (type == DeltaCodec.TYPE_DATA) {
            min = DeltaCodec.DATA_PREFIX_BYTES + 1L;
        } else if (type == DeltaCodec.TYPE_ZERO) {
            min = max = DeltaCodec.ZERO_PAYLOAD_BYTES;
        } else if (type == DeltaCodec.TYPE_RESIZE) {
            min = max = DeltaCodec.RESIZE_PAYLOAD_BYTES;
        } else if (type == DeltaCodec.TYPE_END) {
            min = max = DeltaCodec.END_PAYLOAD_BYTES;
        }
        if (length < min || length > max) {
            throw DeltaCodec.malformed("a record of type " + Integer.toUnsignedString(type) + " cannot be " + length
                    + " bytes long (" + min + " to " + max + ")");
        }
    }

    /** Reads and discards an unknown record's payload in pieces, feeding the CRC and the hash. */
    private byte[] skip(long length) throws IOException {
        byte[] piece = new byte[(int) Math.min(SKIP_PIECE_BYTES, length)];
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(piece.length, left);
            if (in.readNBytes(piece, 0, n) != n) {
                throw truncated("a record payload");
            }
            crc.update(piece, 0, n);
            sha256.update(piece, 0, n);
            left -= n;
        }
        return new byte[0];
    }

    /** Allocates as bytes arrive (readNBytes grows its buffer), so a length a short stream cannot back costs little. */
    private byte[] readExactly(int length, String what) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw truncated(what);
        }
        return bytes;
    }

    private static DeltaFormatException truncated(String what) {
        return new DeltaFormatException(Reason.TRUNCATED, "the stream ends inside " + what
                + " (before its end record)");
    }
}
