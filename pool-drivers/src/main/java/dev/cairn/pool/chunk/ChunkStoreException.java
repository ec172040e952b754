package dev.cairn.pool.chunk;

/**
 * The one exception of the chunk store. {@link #reason()} is stable and meant for mapping to the
 * service's error codes (the adapter switches over it exhaustively).
 */
public final class ChunkStoreException extends RuntimeException {

    /** Why an operation failed. Never renamed or reused. */
    public enum Reason {
        /** No free data chunk or metadata block; nothing was changed by the failing step. */
        STORE_FULL,
        /** The device id names no device. */
        NO_SUCH_DEVICE,
        /** On-disk metadata failed a magic, checksum or structure check. */
        CORRUPT,
        /** An I/O error; the store is now failed and must be reopened. */
        IO_ERROR,
        /** An earlier failure left the in-memory state unusable; reopen to recover the last commit. */
        STORE_FAILED,
        /** The store was closed. */
        CLOSED
    }

    private final Reason reason;

    ChunkStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    ChunkStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static ChunkStoreException corrupt(String message) {
        return new ChunkStoreException(Reason.CORRUPT, message);
    }
}
