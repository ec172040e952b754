package dev.cairn.pool.spi;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;

/**
 * Turns I/O failures of storage into Cairn errors with stable codes, so that a full disk is
 * {@code INSUFFICIENT_SPACE} wherever it happens.
 */
public final class StorageFailures {
    private StorageFailures() {
    }

    /**
     * The Cairn error for {@code failure} while doing {@code what} (e.g. "write volume 'vm1'").
     * The JDK reports errno only as text, so the messages of ENOSPC, EDQUOT and EFBIG are matched.
     */
    public static CairnException translate(String what, IOException failure) {
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (failure instanceof FileSystemException fse && fse.getReason() != null) {
            message = fse.getReason();
        }
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            return new CairnException(ErrorCode.INSUFFICIENT_SPACE, what + ": no space left on the pool's storage",
                    failure);
        }
        if (message.contains("File too large")) {
            return new CairnException(ErrorCode.INVALID_ARGUMENT, what + ": larger than the file system allows",
                    failure);
        }
        if (failure instanceof AccessDeniedException) {
            return new CairnException(ErrorCode.OPERATION_INVALID, what + ": permission denied", failure);
        }
        return new CairnException(ErrorCode.STORAGE_ERROR, what + ": " + failure, failure);
    }
}
