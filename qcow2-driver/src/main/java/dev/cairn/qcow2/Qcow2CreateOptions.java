package dev.cairn.qcow2;

/**
 * What {@link Qcow2Image#create} builds, mirroring {@code qemu-img create -f qcow2 -o ...}.
 * Start from {@link #ofCapacity(long)} and refine with the {@code with...} methods.
 *
 * @param capacityBytes virtual size; rounded up to a multiple of 512 as qemu-img does. With a
 *     backing file, 0 means "the backing file's size"
 * @param clusterBits 9..21 (512 B .. 2 MiB), default 16
 * @param refcountOrder 0..6 (1..64-bit refcounts), default 4; compat 0.10 requires 4
 * @param lazyRefcounts set the lazy_refcounts compatible bit (compat 1.1 only)
 * @param backingFile backing file name stored as given (relative names are resolved against
 *     the image's directory), or "" for none
 * @param backingFormat "qcow2" or "raw"; required with a backing file
 * @param compat "1.1" (qcow2 v3, default) or "0.10" (v2)
 */
public record Qcow2CreateOptions(long capacityBytes, int clusterBits, int refcountOrder, boolean lazyRefcounts,
        String backingFile, String backingFormat, String compat) {

    public Qcow2CreateOptions {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes must not be negative");
        }
        if (clusterBits < 9 || clusterBits > 21) {
            throw new IllegalArgumentException("clusterBits must be 9..21 (512 B .. 2 MiB): " + clusterBits);
        }
        if (refcountOrder < 0 || refcountOrder > 6) {
            throw new IllegalArgumentException("refcountOrder must be 0..6: " + refcountOrder);
        }
        if (!compat.equals("1.1") && !compat.equals("0.10")) {
            throw new IllegalArgumentException("compat must be 1.1 or 0.10: " + compat);
        }
        if (compat.equals("0.10") && (refcountOrder != 4 || lazyRefcounts)) {
            throw new IllegalArgumentException("compat 0.10 needs 16-bit refcounts and no lazy refcounts");
        }
        if (!backingFile.isEmpty() && !backingFormat.equals("qcow2") && !backingFormat.equals("raw")) {
            throw new IllegalArgumentException("a backing file needs backing format qcow2 or raw");
        }
    }

    /** Defaults of qemu-img 7.2: 64 KiB clusters, 16-bit refcounts, compat 1.1, no backing. */
    public static Qcow2CreateOptions ofCapacity(long capacityBytes) {
        return new Qcow2CreateOptions(capacityBytes, 16, 4, false, "", "", "1.1");
    }

    public Qcow2CreateOptions withCapacity(long newCapacityBytes) {
        return new Qcow2CreateOptions(newCapacityBytes, clusterBits, refcountOrder, lazyRefcounts, backingFile,
                backingFormat, compat);
    }

    public Qcow2CreateOptions withClusterBits(int newClusterBits) {
        return new Qcow2CreateOptions(capacityBytes, newClusterBits, refcountOrder, lazyRefcounts, backingFile,
                backingFormat, compat);
    }

    public Qcow2CreateOptions withRefcountOrder(int newRefcountOrder) {
        return new Qcow2CreateOptions(capacityBytes, clusterBits, newRefcountOrder, lazyRefcounts, backingFile,
                backingFormat, compat);
    }

    public Qcow2CreateOptions withLazyRefcounts(boolean enabled) {
        return new Qcow2CreateOptions(capacityBytes, clusterBits, refcountOrder, enabled, backingFile,
                backingFormat, compat);
    }

    public Qcow2CreateOptions withBacking(String file, String format) {
        return new Qcow2CreateOptions(capacityBytes, clusterBits, refcountOrder, lazyRefcounts, file, format,
                compat);
    }

    public Qcow2CreateOptions withCompat(String newCompat) {
        return new Qcow2CreateOptions(capacityBytes, clusterBits, refcountOrder, lazyRefcounts, backingFile,
                backingFormat, newCompat);
    }

    int version() {
        return compat.equals("1.1") ? 3 : 2;
    }
}
