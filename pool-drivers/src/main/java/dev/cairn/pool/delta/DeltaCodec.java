package dev.cairn.pool.delta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Constants and the header payload codec of docs/delta-format.md, shared by the writer and the reader.
 * All numbers are big-endian.
 */
final class DeltaCodec {

    /** "\x89CDELTA\n": the high byte catches 7-bit channels, the newline catches text-mode conversion. */
    static final byte[] MAGIC = {(byte) 0x89, 'C', 'D', 'E', 'L', 'T', 'A', '\n'};
    static final int VERSION = 1;
    static final int PREAMBLE_BYTES = 12;

    static final int TYPE_HEADER = 1;
    static final int TYPE_DATA = 2;
    static final int TYPE_ZERO = 3;
    static final int TYPE_RESIZE = 4;
    static final int TYPE_END = 5;

    /** Type and payload length before the payload, CRC32C after it. */
    static final int FRAME_HEAD_BYTES = 8;
    static final int FRAME_TAIL_BYTES = 4;
    /** Most data bytes one data record may hold (readers refuse more). */
    static final int MAX_DATA_BYTES = 4 << 20;
    static final int DATA_PREFIX_BYTES = 12;
    /** Longest payload of any record, known or not: a full data record. */
    static final int MAX_PAYLOAD_BYTES = DATA_PREFIX_BYTES + MAX_DATA_BYTES;

    static final int HEADER_FIXED_BYTES = 60;
    static final int FLAG_FULL = 1;
    static final int ZERO_PAYLOAD_BYTES = 16;
    static final int RESIZE_PAYLOAD_BYTES = 8;
    static final int SHA256_BYTES = 32;
    static final int END_PAYLOAD_BYTES = 8 + SHA256_BYTES;

    private DeltaCodec() {
    }

    static byte[] encodeHeader(DeltaHeader header) {
        byte[] target = header.target().name().getBytes(StandardCharsets.UTF_8);
        byte[] base = header.base().map(b -> b.name().getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        ByteBuffer out = ByteBuffer.allocate(HEADER_FIXED_BYTES + target.length + base.length);
        out.putLong(header.capacityBytes()).putLong(header.baseCapacityBytes()).putInt(header.granularityBytes())
                .putInt(header.full() ? FLAG_FULL : 0);
        putUuid(out, header.target().id());
        putUuid(out, header.base().map(SnapshotIdentity::id).orElse(SnapshotIdentity.NONE));
        out.putShort((short) target.length).put(target);
        out.putShort((short) base.length).put(base);
        return out.array();
    }

    /** Decodes a header payload, refusing anything the format does not allow. */
    static DeltaHeader decodeHeader(ByteBuffer in) {
        if (in.remaining() < HEADER_FIXED_BYTES) {
            throw malformed("header record of " + in.remaining() + " bytes is shorter than " + HEADER_FIXED_BYTES);
        }
        long capacity = in.getLong();
        long baseCapacity = in.getLong();
        int granularity = in.getInt();
        int flags = in.getInt();
        UUID targetId = new UUID(in.getLong(), in.getLong());
        UUID baseId = new UUID(in.getLong(), in.getLong());
        String targetName = name(in, "target");
        String baseName = name(in, "base");
        if (in.hasRemaining()) {
            throw malformed("header record has " + in.remaining() + " bytes after the base name");
        }
        if ((flags & ~FLAG_FULL) != 0) {
            throw malformed("header flags 0x" + Integer.toHexString(flags) + " use undefined bits");
        }
        boolean full = (flags & FLAG_FULL) != 0;
        if (full != (baseName.isEmpty() && baseId.equals(SnapshotIdentity.NONE))) {
            throw malformed("the full-image flag disagrees with the base snapshot fields");
        }
        try {
            Optional<SnapshotIdentity> base = full ? Optional.empty()
                    : Optional.of(new SnapshotIdentity(baseId, baseName));
            return new DeltaHeader(capacity, baseCapacity, granularity, new SnapshotIdentity(targetId, targetName),
                    base);
        } catch (IllegalArgumentException e) {
            throw malformed("header: " + e.getMessage());
        }
    }

    private static String name(ByteBuffer in, String which) {
        if (in.remaining() < 2) {
            throw malformed("header record ends before the " + which + " name length");
        }
        int length = Short.toUnsignedInt(in.getShort());
        if (length > SnapshotIdentity.MAX_NAME_BYTES || length > in.remaining()) {
            throw malformed("the " + which + " name length " + length + " is too long for the header record");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        String decoded = new String(bytes, StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), bytes)) {
            throw malformed("the " + which + " name is not valid UTF-8");
        }
        return decoded;
    }

    private static void putUuid(ByteBuffer out, UUID id) {
        out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    static DeltaFormatException malformed(String message) {
        return new DeltaFormatException(DeltaFormatException.Reason.MALFORMED, message);
    }
}
