package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageContractTest {

    @TempDir
    Path dir;

    @Test
    void requestsOutsideTheContractAreRefusedWithoutChangingTheImage() throws Exception {
        Path file = dir.resolve("c.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            assertThatThrownBy(() -> image.write((1 << 20) - 1, new byte[2], 0, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the virtual disk");
            assertThatThrownBy(() -> image.resize(65536)).isInstanceOf(Qcow2UnsupportedException.class)
                    .hasMessageContaining("shrinking");
            assertThatThrownBy(() -> image.writeCompressed(100, new byte[65536], 0, 65536))
                    .isInstanceOf(IllegalArgumentException.class);
            image.resize(3_000_001);
            assertThat(image.capacityBytes()).isEqualTo(3_000_320);
        }
        try (Qcow2Image readOnly = Qcow2Image.open(file, false)) {
            assertThatThrownBy(() -> readOnly.write(0, new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
            assertThat(readOnly.check().isClean()).isTrue();
        }
        QemuTool.checkClean(file);
    }
}
