package dev.cairn.qcow2.format;

import java.util.HexFormat;

/**
 * One entry of the internal snapshot table (qcow2.txt "Snapshot table entry").
 *
 * @param l1TableOffset host offset of the snapshot's L1 copy
 * @param l1Size entries in that L1 copy
 * @param id the unique ID string (decimal by convention)
 * @param name the user-visible name (may repeat)
 * @param dateSec creation time, seconds since the epoch (u32)
 * @param dateNsec nanoseconds part of the creation time
 * @param vmClockNsec guest clock at snapshot time (0 for disk-only snapshots)
 * @param vmStateSizeBytes VM state size (extra data vm_state_size_large when present)
 * @param diskSizeBytes virtual disk size at snapshot time, or -1 when the entry lacks it
 * @param icount instruction count, or -1 when absent
 * @param unknownExtraData extra data bytes beyond the three known fields, kept verbatim
 */
public record SnapshotEntry(long l1TableOffset, int l1Size, String id, String name, long dateSec, long dateNsec,
        long vmClockNsec, long vmStateSizeBytes, long diskSizeBytes, long icount, byte[] unknownExtraData) {

    public SnapshotEntry {
        unknownExtraData = unknownExtraData.clone();
    }

    @Override
    public byte[] unknownExtraData() {
        return unknownExtraData.clone();
    }

    /** A copy pointing at another L1 table (used when a table is relocated). */
    public SnapshotEntry withL1(long newL1TableOffset, int newL1Size) {
        return new SnapshotEntry(newL1TableOffset, newL1Size, id, name, dateSec, dateNsec, vmClockNsec,
                vmStateSizeBytes, diskSizeBytes, icount, unknownExtraData);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnapshotEntry that && toString().equals(that.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "SnapshotEntry[l1TableOffset=" + l1TableOffset + ", l1Size=" + l1Size + ", id=" + id + ", name="
                + name + ", dateSec=" + dateSec + ", dateNsec=" + dateNsec + ", vmClockNsec=" + vmClockNsec
                + ", vmStateSizeBytes=" + vmStateSizeBytes + ", diskSizeBytes=" + diskSizeBytes + ", icount="
                + icount + ", unknownExtraData=" + HexFormat.of().formatHex(unknownExtraData) + "]";
    }
}
