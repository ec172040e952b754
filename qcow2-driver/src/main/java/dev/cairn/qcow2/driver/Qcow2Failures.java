package dev.cairn.qcow2.driver;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.qcow2.Qcow2CorruptException;
import dev.cairn.qcow2.Qcow2LockedException;
import dev.cairn.qcow2.Qcow2NotFoundException;
import dev.cairn.qcow2.Qcow2UnsupportedException;
import java.io.IOException;

/** Turns the qcow2 engine's failures (a sealed family: corrupt, unsupported, not found, locked) into Cairn errors. */
final class Qcow2Failures {
    private Qcow2Failures() {
    }

    /** Closes an image a device held, as a Cairn error if closing fails. */
    static void close(dev.cairn.qcow2.Qcow2Image image, String volume) {
        try {
            image.close();
        } catch (IOException e) {
            throw translate("close volume '" + volume + "'", e);
        }
    }

    static CairnException translate(String what, IOException failure) {
        if (failure instanceof Qcow2CorruptException corrupt) {
            return new CairnException(ErrorCode.IMAGE_CORRUPT, what + ": the qcow2 image is corrupt: "
                    + corrupt.getMessage(), corrupt);
        }
        if (failure instanceof Qcow2UnsupportedException unsupported) {
            return new CairnException(ErrorCode.OPERATION_UNSUPPORTED, what + ": " + unsupported.getMessage(),
                    unsupported);
        }
        if (failure instanceof Qcow2LockedException locked) {
            return new CairnException(ErrorCode.OPERATION_INVALID, what + ": the image is in use by another process: "
                    + locked.getMessage(), locked);
        }
        if (failure instanceof Qcow2NotFoundException missing) {
            return new CairnException(ErrorCode.NO_SNAPSHOT, what + ": " + missing.getMessage(), missing);
        }
        return StorageFailures.translate(what, failure);
    }
}
