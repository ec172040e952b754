package dev.cairn.pool.delta;

import java.util.Objects;
import java.util.Optional;

/**
 * The header of a delta stream (docs/delta-format.md, "Header record").
 *
 * @param capacityBytes     the volume's capacity once the delta is applied (the target's)
 * @param baseCapacityBytes the capacity the delta starts from: the base's, or 0 for a full image
 * @param granularityBytes  the exporting engine's allocation unit (qcow2 cluster, chunk); a power of two
 *                          from 512 to 64 MiB, informational for appliers
 * @param target            the snapshot the delta produces
 * @param base              the snapshot it applies to; empty for a full image
 */
public record DeltaHeader(long capacityBytes, long baseCapacityBytes, int granularityBytes,
                          SnapshotIdentity target, Optional<SnapshotIdentity> base) {

    /** Capacities stay below 2^62 so that no offset arithmetic can overflow. */
    public static final long MAX_CAPACITY_BYTES = 1L << 62;
    static final int MIN_GRANULARITY_BYTES = 512;
    static final int MAX_GRANULARITY_BYTES = 64 << 20;

    public DeltaHeader {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(base, "base");
        checkCapacity(capacityBytes, "capacity");
        checkCapacity(baseCapacityBytes, "base capacity");
        if (base.isEmpty() && baseCapacityBytes != 0) {
            throw new IllegalArgumentException("a full image starts from capacity 0, not " + baseCapacityBytes);
        }
        if (Integer.bitCount(granularityBytes) != 1 || granularityBytes < MIN_GRANULARITY_BYTES
                || granularityBytes > MAX_GRANULARITY_BYTES) {
            throw new IllegalArgumentException("granularity " + granularityBytes
                    + " is not a power of two from 512 bytes to 64 MiB");
        }
        if (base.isPresent() && base.get().id().equals(target.id())) {
            throw new IllegalArgumentException("base and target are the same snapshot " + target.id());
        }
    }

    /** A full image: the target's whole content, applied to an empty volume. */
    public static DeltaHeader full(long capacityBytes, int granularityBytes, SnapshotIdentity target) {
        return new DeltaHeader(capacityBytes, 0, granularityBytes, target, Optional.empty());
    }

    /** The changes from {@code base} (of {@code baseCapacityBytes}) to {@code target}. */
    public static DeltaHeader incremental(long capacityBytes, long baseCapacityBytes, int granularityBytes,
                                          SnapshotIdentity base, SnapshotIdentity target) {
        return new DeltaHeader(capacityBytes, baseCapacityBytes, granularityBytes, target, Optional.of(base));
    }

    /** Whether this is a full image (no base). */
    public boolean full() {
        return base.isEmpty();
    }

    private static void checkCapacity(long bytes, String what) {
        if (bytes < 0 || bytes >= MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException(what + " " + bytes + " is outside 0 .. 2^62-1");
        }
    }
}
