package dev.cairn.qcow2;

import java.time.Instant;

/**
 * An internal snapshot as listed by {@link Qcow2Image#snapshots()}.
 *
 * @param id unique ID (decimal text for snapshots Cairn or qemu-img create)
 * @param name user-visible name; names may repeat
 * @param createdAt creation time (second + nanosecond fields of the entry)
 * @param vmClockNsec guest clock; 0 for disk-only snapshots
 * @param vmStateSizeBytes saved VM state size; 0 for disk-only snapshots
 * @param diskSizeBytes virtual size of the disk when the snapshot was taken
 * @param icount instruction count, -1 when absent
 */
public record Qcow2Snapshot(String id, String name, Instant createdAt, long vmClockNsec, long vmStateSizeBytes,
        long diskSizeBytes, long icount) {
}
