package dev.cairn.pool.delta;

import java.io.IOException;

/**
 * Receives the records of a delta stream from {@link DeltaReader#readAll(DeltaVisitor)}, in stream order.
 * A visitor that changes storage as records arrive must stage its changes: the stream is known to be
 * complete and valid only when {@code readAll} returns.
 */
public interface DeltaVisitor {

    /** {@code bytes} are to be written at {@code offsetBytes}; the array is the visitor's to keep. */
    void data(long offsetBytes, byte[] bytes) throws IOException;

    /** The range reads as zeroes afterwards. */
    void zero(long offsetBytes, long lengthBytes) throws IOException;

    /** The capacity becomes {@code capacityBytes}. */
    void resize(long capacityBytes) throws IOException;

    /** A visitor that ignores every record: reading with it only verifies the stream. */
    static DeltaVisitor ignoring() {
        return new DeltaVisitor() {
            @Override
            public void data(long offsetBytes, byte[] bytes) {
            }

            @Override
            public void zero(long offsetBytes, long lengthBytes) {
            }

            @Override
            public void resize(long capacityBytes) {
            }
        };
    }
}
