package dev.cairn.pool.chunk;

/** How a range of the second device differs from the first. */
public enum DiffKind {
    /** The second device maps the range to other data (or maps it where the first does not). */
    CHANGED,
    /** The first device maps the range, the second does not: it reads as zeros there. */
    UNMAPPED
}
