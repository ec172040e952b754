package dev.cairn.pool.chunk;

/**
 * Receives the ranges where two devices differ, in ascending offset order, adjacent ranges of one
 * kind merged. Called with the store lock held: it must not call back into the store.
 */
@FunctionalInterface
public interface DiffVisitor {

    /**
     * @param offsetBytes start of the range, a multiple of the chunk size
     * @param lengthBytes length, a multiple of the chunk size except where clipped to the second device's capacity
     * @param kind        what the second device holds there
     */
    void range(long offsetBytes, long lengthBytes, DiffKind kind);
}
