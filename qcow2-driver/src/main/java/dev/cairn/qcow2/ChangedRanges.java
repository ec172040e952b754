package dev.cairn.qcow2;

import java.io.IOException;

/**
 * Receives the guest ranges where one state of an image differs from another, from
 * {@link Qcow2Image#changedRanges}: ascending, never overlapping, adjacent ranges of one kind merged.
 */
@FunctionalInterface
public interface ChangedRanges {

    /**
     * @param offsetBytes start of the range, a multiple of the cluster size
     * @param lengthBytes length, a multiple of the cluster size except where clipped to the capacity
     * @param readsZero   true when the target reads as zeroes there; false when its bytes must be read
     */
    void range(long offsetBytes, long lengthBytes, boolean readsZero) throws IOException;
}
