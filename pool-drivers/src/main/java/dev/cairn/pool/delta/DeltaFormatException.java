package dev.cairn.pool.delta;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;

/**
 * A delta stream that breaks docs/delta-format.md: always {@link ErrorCode#INVALID_DELTA}, with the
 * {@link Reason} for tests and logs. A stream refused with this exception must not have changed anything
 * (appliers stage until {@link DeltaReader#complete()}).
 */
public final class DeltaFormatException extends CairnException {

    /** Why a stream was refused. */
    public enum Reason {
        /** The first eight bytes are not the delta magic. */
        BAD_MAGIC,
        /** The version is not one this reader knows. */
        UNSUPPORTED_VERSION,
        /** The stream ended before its end record. */
        TRUNCATED,
        /** A record's CRC32C does not match its bytes. */
        BAD_CHECKSUM,
        /** A record is too long, of the wrong length, or holds values outside their rules. */
        MALFORMED,
        /** The end record's record count or SHA-256 does not match the stream. */
        BAD_END,
        /** Bytes follow the end record. */
        TRAILING_BYTES
    }

    private final Reason reason;

    public DeltaFormatException(Reason reason, String message) {
        super(ErrorCode.INVALID_DELTA, "invalid delta stream: " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
