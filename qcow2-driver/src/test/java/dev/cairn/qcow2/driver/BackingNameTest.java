package dev.cairn.qcow2.driver;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.qcow2.Qcow2CorruptException;
import dev.cairn.qcow2.Qcow2CreateOptions;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.Qcow2Header;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A backing file name no path can hold (found by Qcow2ParserFuzzTest: a NUL) is a corrupt image, not a crash. */
class BackingNameTest {

    @TempDir
    Path dir;

    @Test
    void aNulInTheBackingNameIsImageCorrupt() throws Exception {
        Path image = dir.resolve("nul.qcow2");
        Qcow2Image.create(image, Qcow2CreateOptions.ofCapacity(1 << 20)).close();
        byte[] cluster0 = java.util.Arrays.copyOf(java.nio.file.Files.readAllBytes(image), 65536);
        Qcow2Header header = HeaderCodec.decode(java.nio.ByteBuffer.wrap(cluster0))
                .withBacking("base\0.qcow2", "qcow2");
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(image,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(HeaderCodec.encode(header)), 0);
        }
        assertThatThrownBy(() -> Qcow2Image.open(image, false)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("not a valid path");
        assertThatThrownBy(() -> new Qcow2Format().backingFiles(image)).isInstanceOfSatisfying(CairnException.class,
                e -> org.assertj.core.api.Assertions.assertThat(e.errorCode()).isEqualTo(ErrorCode.IMAGE_CORRUPT));
    }
}
