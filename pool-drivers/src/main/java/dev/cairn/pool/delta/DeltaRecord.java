package dev.cairn.pool.delta;

/**
 * A change a delta stream carries, in the order the stream holds it; an applier applies them in that order
 * (a later record wins where two overlap). Ranges are checked by the reader against the capacity in force
 * at that point of the stream.
 */
public sealed interface DeltaRecord permits DeltaRecord.Data, DeltaRecord.Zero, DeltaRecord.Resize {

    /**
     * Bytes to write at {@code offsetBytes}. The array belongs to the record (the reader allocates one per
     * record and does not keep it).
     */
    record Data(long offsetBytes, byte[] bytes) implements DeltaRecord {
        public long lengthBytes() {
            return bytes.length;
        }
    }

    /** A range that reads as zeroes afterwards; an applier may deallocate it. */
    record Zero(long offsetBytes, long lengthBytes) implements DeltaRecord {
    }

    /** The volume's capacity changes: a larger one reads as zeroes in the new tail, a smaller one drops the tail. */
    record Resize(long capacityBytes) implements DeltaRecord {
    }
}
