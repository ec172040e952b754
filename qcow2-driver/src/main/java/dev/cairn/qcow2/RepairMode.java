package dev.cairn.qcow2;

/** What {@link Qcow2Image#repair(RepairMode)} may fix, as {@code qemu-img check -r}. */
public enum RepairMode {
    /** Lower refcounts of leaked clusters to the references found. */
    LEAKS,
    /** Rebuild the whole refcount structure from the references found and fix COPIED flags. */
    ALL
}
