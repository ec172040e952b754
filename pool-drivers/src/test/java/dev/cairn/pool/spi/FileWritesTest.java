package dev.cairn.pool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileWritesTest {

    @TempDir
    Path dir;

    @Test
    void writesEveryRemainingByteAtItsPlaceAcrossPiecesAndKeepsTheLimit() throws Exception {
        byte[] content = new byte[3 * FileWrites.PIECE_BYTES + 1234];
        new Random(7).nextBytes(content);
        int from = 100;
        int to = content.length - 50;
        ByteBuffer data = ByteBuffer.wrap(content).position(from).limit(to);
        long at = 5000;
        Path file = dir.resolve("out");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FileWrites.writeFully(channel, data, at);
        }

        assertThat(data.position()).isEqualTo(to);
        assertThat(data.limit()).isEqualTo(to);
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize((int) at + to - from);
        assertThat(Arrays.copyOfRange(written, 0, (int) at)).containsOnly(0);
        assertThat(Arrays.copyOfRange(written, (int) at, written.length))
                .isEqualTo(Arrays.copyOfRange(content, from, to));
    }
}
