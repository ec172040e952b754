package dev.cairn.qcow2.format;

import dev.cairn.qcow2.Qcow2CorruptException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes and decodes snapshot table entries (qcow2.txt "Snapshots"). Each entry is a 40-byte
 * fixed part, extra data, the ID and the name, padded to a multiple of 8 bytes. Pure.
 */
public final class SnapshotTableCodec {

    /** Bytes of the fixed part of an entry. */
    public static final int FIXED_BYTES = 40;
    /** Extra data QEMU 7.2 writes: vm_state_size_large, disk_size, icount. */
    public static final int KNOWN_EXTRA_BYTES = 24;
    /** QEMU refuses entries with more extra data than this. */
    public static final int MAX_EXTRA_BYTES = 1024;
    /** Largest snapshot table QEMU accepts. */
    public static final long MAX_TABLE_BYTES = 64L * 1024 * 1024;

    private SnapshotTableCodec() {
    }

    /**
     * Length in bytes (padded) of the entry whose fixed part starts at {@code fixed}'s position.
     *
     * @throws Qcow2CorruptException when the extra data is larger than QEMU allows
     */
    public static int entryLength(ByteBuffer fixed) throws Qcow2CorruptException {
        int base = fixed.position();
        int idSize = fixed.getShort(base + 12) & 0xFFFF;
        int nameSize = fixed.getShort(base + 14) & 0xFFFF;
        long extraSize = Integer.toUnsignedLong(fixed.getInt(base + 36));
        if (extraSize > MAX_EXTRA_BYTES) {
            throw new Qcow2CorruptException("snapshot extra data of " + extraSize + " bytes exceeds "
                    + MAX_EXTRA_BYTES);
        }
        return (int) HeaderCodec.align8(FIXED_BYTES + extraSize + idSize + nameSize);
    }

    /** Decodes the entry at {@code in}'s position and advances past it (padding included). */
    public static SnapshotEntry decode(ByteBuffer in) throws Qcow2CorruptException {
        try {
            return decodeChecked(in);
        } catch (IndexOutOfBoundsException e) {
            throw new Qcow2CorruptException("snapshot table entry truncated", e);
        }
    }

    private static SnapshotEntry decodeChecked(ByteBuffer in) throws Qcow2CorruptException {
        int base = in.position();
        int length = entryLength(in);
        if (in.remaining() < length) {
            throw new Qcow2CorruptException("snapshot table entry truncated");
        }
        int idSize = in.getShort(base + 12) & 0xFFFF;
        int nameSize = in.getShort(base + 14) & 0xFFFF;
        int extraSize = in.getInt(base + 36);
        long vmStateSize = Integer.toUnsignedLong(in.getInt(base + 32));
        if (extraSize >= 8) {
            vmStateSize = in.getLong(base + 40);
        }
        long diskSize = extraSize >= 16 ? in.getLong(base + 48) : -1;
        long icount = extraSize >= 24 ? in.getLong(base + 56) : -1;
        byte[] unknownExtra = new byte[Math.max(0, extraSize - KNOWN_EXTRA_BYTES)];
        if (unknownExtra.length > 0) {
            in.get(base + FIXED_BYTES + KNOWN_EXTRA_BYTES, unknownExtra);
        }
        byte[] id = new byte[idSize];
        in.get(base + FIXED_BYTES + extraSize, id);
        byte[] name = new byte[nameSize];
        in.get(base + FIXED_BYTES + extraSize + idSize, name);
        SnapshotEntry entry = new SnapshotEntry(in.getLong(base), in.getInt(base + 8),
                new String(id, StandardCharsets.UTF_8), new String(name, StandardCharsets.UTF_8),
                Integer.toUnsignedLong(in.getInt(base + 16)), Integer.toUnsignedLong(in.getInt(base + 20)),
                in.getLong(base + 24), vmStateSize, diskSize, icount, unknownExtra);
        in.position(base + length);
        return entry;
    }

    /** Bytes the encoded entries occupy. */
    public static long encodedLength(List<SnapshotEntry> entries) {
        long total = 0;
        for (SnapshotEntry entry : entries) {
            total += encodedLength(entry);
        }
        return total;
    }

    private static int encodedLength(SnapshotEntry entry) {
        return (int) HeaderCodec.align8(FIXED_BYTES + KNOWN_EXTRA_BYTES + entry.unknownExtraData().length
                + entry.id().getBytes(StandardCharsets.UTF_8).length
                + entry.name().getBytes(StandardCharsets.UTF_8).length);
    }

    /**
     * Encodes entries as QEMU 7.2 does: extra data of 24 bytes plus any preserved unknown
     * extra data; vm_state_size (u32) is written 0 when the size does not fit in 32 bits.
     */
    public static byte[] encode(List<SnapshotEntry> entries) {
        ByteBuffer out = ByteBuffer.allocate((int) encodedLength(entries));
        for (SnapshotEntry entry : entries) {
            int base = out.position();
            byte[] id = entry.id().getBytes(StandardCharsets.UTF_8);
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            byte[] unknownExtra = entry.unknownExtraData();
            long vmState = entry.vmStateSizeBytes();
            out.putLong(entry.l1TableOffset()).putInt(entry.l1Size());
            out.putShort((short) id.length).putShort((short) name.length);
            out.putInt((int) entry.dateSec()).putInt((int) entry.dateNsec()).putLong(entry.vmClockNsec());
            out.putInt(vmState > 0xFFFFFFFFL ? 0 : (int) vmState);
            out.putInt(KNOWN_EXTRA_BYTES + unknownExtra.length);
            out.putLong(vmState).putLong(entry.diskSizeBytes()).putLong(entry.icount());
            out.put(unknownExtra).put(id).put(name);
            out.position(base + encodedLength(entry));
        }
        return out.array();
    }
}
