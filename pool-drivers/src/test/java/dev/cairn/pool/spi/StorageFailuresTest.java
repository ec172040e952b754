package dev.cairn.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.api.ErrorCode;
import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class StorageFailuresTest {
    @Test
    void fullDiskIsInsufficientSpaceWhereverTheMessageSitsAndOtherFailuresAreStorageErrors() {
        assertThat(StorageFailures.translate("write", new IOException("No space left on device")).errorCode())
                .isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
        assertThat(StorageFailures.translate("write",
                new FileSystemException("/p/v", null, "Disk quota exceeded")).errorCode())
                .isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
        assertThat(StorageFailures.translate("grow", new IOException("File too large")).errorCode())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(StorageFailures.translate("read", new IOException("Input/output error")).errorCode())
                .isEqualTo(ErrorCode.STORAGE_ERROR);
    }
}
