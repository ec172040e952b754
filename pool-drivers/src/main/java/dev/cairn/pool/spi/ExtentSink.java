package dev.cairn.pool.spi;

/**
 * Receives the extents where a target snapshot differs from its base, in ascending offset order, never
 * overlapping, adjacent extents of one kind merged. Every byte of the target outside the reported extents
 * equals the base's byte at the same offset (up to the smaller of the two capacities); an engine may report
 * an extent whose bytes happen to be equal (both sides wrote the same bytes separately), never miss one.
 *
 * <p>Engines call the sink on the calling thread, holding no lock of theirs, so the sink may read the
 * target (through a device opened on it) while it is called. A sink that fails throws an unchecked
 * exception ({@link java.io.UncheckedIOException} for I/O), which the engine passes on unchanged.
 */
@FunctionalInterface
public interface ExtentSink {

    /** Takes one extent. */
    void accept(Extent extent);
}
