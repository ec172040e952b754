package dev.cairn.pool.chunk;

/** A decoded metadata block held by {@link BlockCache}; dirty blocks are written back before eviction. */
interface CachedBlock {

    boolean isDirty();

    void markClean();
}
