package dev.cairn.qcow2;

import java.util.List;

/**
 * Outcome of {@link Qcow2Image#check()} / {@link Qcow2Image#repair(RepairMode)}, shaped like
 * {@code qemu-img check --output=json}.
 *
 * @param corruptions refcounts lower than the references found, COPIED mismatches, reserved
 *     bits, misaligned or out-of-file references, overlapping metadata
 * @param leaks clusters whose refcount is higher than the references found (harmless waste)
 * @param checkErrors internal errors that stopped parts of the check
 * @param corruptionsFixed corruptions repaired (repair only)
 * @param leaksFixed leaks repaired (repair only)
 * @param imageEndOffset end of the last cluster in use, in bytes
 * @param allocatedClusters guest clusters allocated in the active L1 (normal, zero-allocated,
 *     compressed)
 * @param compressedClusters compressed guest clusters in the active L1
 * @param fragmentedClusters allocated guest clusters of the active L1 that do not follow the previous
 *     one of their L2 table on the host, compressed ones all counted (qemu-img's "fragmented")
 * @param totalClusters guest clusters of the virtual disk
 * @param messages one line per problem, in qemu-img's wording where possible
 */
public record CheckResult(long corruptions, long leaks, long checkErrors, long corruptionsFixed, long leaksFixed,
        long imageEndOffset, long allocatedClusters, long compressedClusters, long fragmentedClusters,
        long totalClusters, List<String> messages) {

    public CheckResult {
        messages = List.copyOf(messages);
    }

    /** True when the image has neither corruptions nor leaks nor check errors. */
    public boolean isClean() {
        return corruptions == 0 && leaks == 0 && checkErrors == 0;
    }

    /** The exit status qemu-img check would use: 0 clean, 2 corrupt, 3 leaks only, 1 check errors. */
    public int exitStatus() {
        if (checkErrors > 0) {
            return 1;
        }
        if (corruptions > 0) {
            return 2;
        }
        return leaks > 0 ? 3 : 0;
    }
}
