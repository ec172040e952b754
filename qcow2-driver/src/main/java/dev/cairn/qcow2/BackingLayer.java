package dev.cairn.qcow2;

import java.io.Closeable;
import java.io.IOException;

/**
 * A read-only view of a backing file: what unallocated clusters of an overlay read through.
 * Implementations: a qcow2 image opened read-only, or a raw file.
 */
interface BackingLayer extends Closeable {

    long capacityBytes();

    /** Reads {@code len} bytes at guest {@code offset}; the range lies inside the capacity. */
    void read(long offset, byte[] buf, int off, int len) throws IOException;
}
