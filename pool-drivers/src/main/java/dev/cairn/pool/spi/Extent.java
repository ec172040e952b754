package dev.cairn.pool.spi;

/**
 * One range where a snapshot (the target) differs from another (the base), as an engine reports it when
 * asked for the changes between two snapshots.
 *
 * @param offsetBytes start of the range in the target, {@code >= 0}
 * @param lengthBytes length of the range, {@code > 0}; the range lies within the target's capacity
 * @param kind        what the target holds there
 */
public record Extent(long offsetBytes, long lengthBytes, Kind kind) {

    /** What the target holds in an extent. */
    public enum Kind {
        /** The target's bytes may differ from the base's: read them from the target. */
        DATA,
        /** The target reads as zeroes there (no bytes need to be read or sent). */
        ZERO
    }

    public Extent {
        if (offsetBytes < 0 || lengthBytes <= 0 || offsetBytes > Long.MAX_VALUE - lengthBytes) {
            throw new IllegalArgumentException("invalid extent " + offsetBytes + "+" + lengthBytes);
        }
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** The first byte after the extent. */
    public long endBytes() {
        return offsetBytes + lengthBytes;
    }
}
