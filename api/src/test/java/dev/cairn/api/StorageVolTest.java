package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class StorageVolTest {
    @Test
    void rangesCoverOffsetAndLengthWithZeroMeaningToTheEnd() {
        assertThat(StorageVol.range(0, 0)).isNull();
        assertThat(StorageVol.range(10, 0)).isEqualTo("bytes=10-");
        assertThat(StorageVol.range(0, 1)).isEqualTo("bytes=0-0");
        assertThat(StorageVol.range(1024, 4096)).isEqualTo("bytes=1024-5119");
        assertThat(StorageVol.range(Long.MAX_VALUE, 1)).isEqualTo("bytes=" + Long.MAX_VALUE + "-" + Long.MAX_VALUE);
        assertInvalid(() -> StorageVol.range(-1, 0));
        assertInvalid(() -> StorageVol.range(0, -1));
        assertInvalid(() -> StorageVol.range(Long.MAX_VALUE, 2));
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
}
